/** @module The FileStore suite against a real WebDAV server when TEST_WEBDAV_* is set (see .env.example); skipped otherwise. */
import { describe } from 'node:test';
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { webdavDestination } from './index.ts';

const env = process.env;
const reason = env.TEST_WEBDAV_URL ? false : 'set TEST_WEBDAV_URL, TEST_WEBDAV_USERNAME and TEST_WEBDAV_PASSWORD to run against a real WebDAV server';

describe('webdav live server', { skip: reason }, () => {
  describeFileStore(`webdav live (${env.TEST_WEBDAV_NEXTCLOUD === 'true' ? 'Nextcloud' : 'plain'})`, {
    async create() {
      const options = webdavDestination.options.parse(Object.fromEntries(Object.entries({
        url: env.TEST_WEBDAV_URL, username: env.TEST_WEBDAV_USERNAME, password: env.TEST_WEBDAV_PASSWORD,
        nextcloud: env.TEST_WEBDAV_NEXTCLOUD === 'true', chunkThresholdMiB: 8, chunkSizeMiB: 5,
      }).filter(([, v]) => v !== undefined && v !== '')));
      return webdavDestination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
    },
    largeFileBytes: 24 * 1024 * 1024,
  });
});
