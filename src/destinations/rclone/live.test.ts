/** @module The FileStore suite against a real rclone remote when TEST_RCLONE_REMOTE is set (see .env.example); skipped otherwise. */
import { describe } from 'node:test';
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { rcloneDestination } from './index.ts';

const target = process.env.TEST_RCLONE_REMOTE;
describe('rclone live remote', { skip: target ? false : 'set TEST_RCLONE_REMOTE=remote:folder (a remote from rclone.conf or RCLONE_CONFIG_*) to run' }, () => {
  describeFileStore(`rclone live (${target})`, {
    create: async () => rcloneDestination.create(rcloneDestination.options.parse(rcloneDestination.parseTarget(target ?? '')),
      { log: silentLogger, state: memoryState() }) as FileStore,
    largeFileBytes: 16 * 1024 * 1024,
  });
});
