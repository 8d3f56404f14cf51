/** @module The SFTP store runs the shared FileStore suite against Debian OpenSSH on 127.0.0.1, and against a live server when TEST_SFTP_* is set. */
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { startSshd, type SshdServer } from '../../../test/servers/sshd.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { sftpDestination } from './index.ts';

const ctx = () => ({ log: silentLogger, state: memoryState() });
let server: SshdServer | undefined;
describeFileStore('sftp (OpenSSH sshd)', {
  async create() {
    server = await startSshd();
    const options = sftpDestination.options.parse({
      host: server.host, port: server.port, username: server.username, privateKeyPath: server.privateKeyPath,
      hostKey: server.hostKeyFingerprint, root: server.root,
    });
    const store = sftpDestination.create(options, ctx()) as FileStore;
    await store.stat('probe', AbortSignal.timeout(20_000)); // connects, so capabilities reflect the server's extensions
    return store;
  },
  teardown: async () => { await server?.stop(); },
});

const live = process.env.TEST_SFTP_HOST;
if (live) {
  describeFileStore('sftp (live: TEST_SFTP_HOST)', {
    create: async () => sftpDestination.create(sftpDestination.options.parse({
      host: live, port: Number(process.env.TEST_SFTP_PORT ?? 22), username: process.env.TEST_SFTP_USERNAME,
      password: process.env.TEST_SFTP_PASSWORD, privateKeyPath: process.env.TEST_SFTP_PRIVATE_KEY_PATH,
      hostKey: process.env.TEST_SFTP_HOST_KEY, root: process.env.TEST_SFTP_ROOT ?? '.',
    }), ctx()) as FileStore,
    largeFileBytes: 16 * 1024 * 1024,
  });
}
