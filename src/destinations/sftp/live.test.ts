/** @module The FileStore suite against a real SFTP server when TEST_SFTP_* is set (see .env.example); skipped otherwise. */
import { describe } from 'node:test';
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { sftpDestination } from './index.ts';

const env = process.env;
const reason = env.TEST_SFTP_HOST ? false : 'set TEST_SFTP_HOST, TEST_SFTP_USERNAME, TEST_SFTP_HOST_KEY and a password or key to run against a real SFTP server';

describe('sftp live server', { skip: reason }, () => {
  describeFileStore(`sftp live (${env.TEST_SFTP_HOST ?? ''})`, {
    async create() {
      const options = sftpDestination.options.parse(Object.fromEntries(Object.entries({
        host: env.TEST_SFTP_HOST, port: env.TEST_SFTP_PORT ? Number(env.TEST_SFTP_PORT) : undefined,
        username: env.TEST_SFTP_USERNAME, password: env.TEST_SFTP_PASSWORD, privateKeyPath: env.TEST_SFTP_PRIVATE_KEY_PATH,
        hostKey: env.TEST_SFTP_HOST_KEY, root: env.TEST_SFTP_ROOT,
      }).filter(([, v]) => v !== undefined && v !== '')));
      const store = sftpDestination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
      await store.stat('probe', AbortSignal.timeout(30_000)); // connect first so capabilities reflect the server
      return store;
    },
    largeFileBytes: 24 * 1024 * 1024,
  });
});
