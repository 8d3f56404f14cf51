/** @module photoferry copy folder: → webdav: vs `rclone copy` to the same Apache mod_dav (fresh per run), mixed ≥ 2 GB library and 10k small files. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startApacheWebdav } from '../../test/servers/apache-webdav.ts';
import { versusRcloneSection, type Peer } from '../lib/versus-rclone.ts';
import type { Section } from '../lib/types.ts';
import { sizeOf } from '../lib/disk.ts';

export const apache: Peer = {
  section: 'webdav', server: 'Apache mod_dav',
  async start() {
    const server = await startApacheWebdav();
    return {
      photoferry: {
        addArgs: ['webdav', `url=${server.url}photoferry`, `username=${server.username}`, `password=${server.password}`],
        target: 'bench:',
      },
      rclone: {
        target: 'pfbench:rclone',
        env: {
          RCLONE_CONFIG_PFBENCH_TYPE: 'webdav', RCLONE_CONFIG_PFBENCH_URL: server.url, RCLONE_CONFIG_PFBENCH_VENDOR: 'other',
          RCLONE_CONFIG_PFBENCH_USER: server.username,
          // rclone reads its config's passwords obscured (its own reversible encoding), never in clear.
          RCLONE_CONFIG_PFBENCH_PASS: execFileSync('rclone', ['obscure', server.password]).toString().trim(),
        },
      },
      // The server runs on this machine, so what it stored can be counted on disk.
      stored: (tool) => sizeOf(join(server.dataDir, tool)),
      dataDir: server.dataDir,
      stop: () => server.stop(),
    };
  },
};

/**
 * Long: rclone's WebDAV backend stored ~28 small files/s against this Apache (not profiled; Apache logged a 409 for
 * each collection it made before the parent existed), so its 10k-small-file run takes minutes. Not part of the
 * small-files section for that reason.
 */
export const webdav: Section = versusRcloneSection('webdav', 'photoferry copy → webdav: vs rclone copy to the same Apache mod_dav (throughput ratio, peak RSS; rclone takes minutes on 10k small files)', apache);
