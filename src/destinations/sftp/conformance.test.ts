/** @module The SFTP store runs the shared FileStore suite against Debian OpenSSH on 127.0.0.1. */
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
    const store = await sftpDestination.create(options, ctx()) as FileStore;
    await store.stat('probe', AbortSignal.timeout(20_000)); // connects, so capabilities reflect the server's extensions
    return store;
  },
  teardown: async () => { await server?.stop(); },
});

