/** @module The WebDAV store runs the shared FileStore suite against Apache mod_dav on 127.0.0.1, and a live server when TEST_WEBDAV_* is set. */
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { startApacheWebdav, type ApacheWebdavServer } from '../../../test/servers/apache-webdav.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { webdavDestination } from './index.ts';

const ctx = () => ({ log: silentLogger, state: memoryState() });
let server: ApacheWebdavServer | undefined;
describeFileStore('webdav (Apache mod_dav)', {
  async create() {
    server = await startApacheWebdav();
    const options = webdavDestination.options.parse({ url: server.url, username: server.username, password: server.password });
    return webdavDestination.create(options, ctx()) as FileStore;
  },
  teardown: async () => { await server?.stop(); },
});

const live = process.env.TEST_WEBDAV_URL;
if (live) {
  describeFileStore('webdav (live: TEST_WEBDAV_URL)', {
    create: async () => webdavDestination.create(webdavDestination.options.parse({
      url: live, username: process.env.TEST_WEBDAV_USERNAME, password: process.env.TEST_WEBDAV_PASSWORD,
      nextcloud: process.env.TEST_WEBDAV_NEXTCLOUD === 'true',
    }), ctx()) as FileStore,
    largeFileBytes: 16 * 1024 * 1024,
  });
}
