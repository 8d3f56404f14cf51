/** @module The rclone bridge runs the shared FileStore suite against a local remote and `rclone serve webdav`. */
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { startRcloneLocal, startRcloneWebdav, type RcloneRemote } from '../../../test/servers/rclone.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { rcloneDestination } from './index.ts';

for (const [name, start] of [['local remote', startRcloneLocal], ['webdav remote (rclone serve)', startRcloneWebdav]] as const) {
  let peer: RcloneRemote | undefined;
  describeFileStore(`rclone (${name})`, {
    async create() {
      peer = await start();
      // The remotes exist only as RCLONE_CONFIG_* variables, as a user's environment would define them.
      Object.assign(process.env, peer.env);
      const options = rcloneDestination.options.parse(rcloneDestination.parseTarget(`${peer.remote}:${peer.path}`));
      return rcloneDestination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
    },
    teardown: async () => { await peer?.stop(); },
    largeFileBytes: 32 * 1024 * 1024,
  });
}
