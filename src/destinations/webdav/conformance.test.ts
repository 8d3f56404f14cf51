/** @module The WebDAV store runs the shared FileStore suite against Apache mod_dav on 127.0.0.1. */
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

