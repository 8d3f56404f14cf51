/** @module Local disk runs the shared FileStore suite in a temp folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { localDestination } from './index.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';

let dir = '';
describeFileStore('local', {
  async create() {
    dir = await mkdtemp(join(tmpdir(), 'pf-local-'));
    const options = localDestination.options.parse({ path: dir });
    return localDestination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
  },
  teardown: () => rm(dir, { recursive: true, force: true }),
});
