/** @module photoferry copy folder: → sftp: vs `rclone copy` to the same OpenSSH sshd (fresh per run), mixed ≥ 2 GB library and 10k small files. */
import { join } from 'node:path';
import { startSshd } from '../../test/servers/sshd.ts';
import { versusRcloneSection, type Peer } from '../lib/versus-rclone.ts';
import type { Section } from '../lib/types.ts';
import { sizeOf } from '../lib/disk.ts';

export const sshd: Peer = {
  section: 'sftp', server: 'OpenSSH sshd',
  async start() {
    const server = await startSshd();
    const dirOf = (tool: string) => join(server.root, tool);
    return {
      photoferry: {
        addArgs: ['sftp', `host=${server.host}`, `port=${server.port}`, `username=${server.username}`,
          `privateKeyPath=${server.privateKeyPath}`, `hostKey=${server.hostKeyFingerprint}`, `root=${dirOf('photoferry')}`],
        target: 'bench:',
      },
      rclone: {
        // An absolute path after the colon: rclone's sftp remote is relative to the login folder otherwise.
        target: `pfbench:${dirOf('rclone')}`,
        env: {
          RCLONE_CONFIG_PFBENCH_TYPE: 'sftp', RCLONE_CONFIG_PFBENCH_HOST: server.host, RCLONE_CONFIG_PFBENCH_PORT: String(server.port),
          RCLONE_CONFIG_PFBENCH_USER: server.username, RCLONE_CONFIG_PFBENCH_KEY_FILE: server.privateKeyPath,
          RCLONE_CONFIG_PFBENCH_KNOWN_HOSTS_FILE: server.knownHostsPath,
        },
      },
      // The server runs on this machine, so what it stored can be counted on disk.
      stored: (tool) => sizeOf(dirOf(tool)),
      dataDir: server.root,
      stop: () => server.stop(),
    };
  },
};

export const sftp: Section = versusRcloneSection('sftp', 'photoferry copy → sftp: vs rclone copy to the same OpenSSH sshd (throughput ratio, peak RSS)', sshd);
