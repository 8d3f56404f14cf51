/** @module Any rclone remote as a destination (Drive, OneDrive, Dropbox, Jottacloud, ...): `rclone:REMOTE:PATH`. */
import { z } from 'zod';
import { defineDestination } from '../define.ts';

export const rcloneOptions = z.object({
  remote: z.string().min(1).regex(/^[^:]+$/, { error: 'the remote name comes without ":"' })
    .describe('Remote name from rclone.conf (or RCLONE_CONFIG_<NAME>_TYPE in the environment)'),
  path: z.string().default('').describe('Folder on the remote (its root when empty)'),
  binary: z.string().default('rclone').describe('The rclone program (Debian ships 1.60)'),
  configFile: z.string().optional().describe('rclone.conf to use instead of rclone\'s default location'),
  direct: z.boolean().default(false)
    .describe('Upload straight to the final name; only for remotes whose uploads are all-or-nothing (S3, B2, Drive)'),
  hashes: z.boolean().default(true).describe('Read hashes back from the remote (local and SFTP remotes compute them by reading the file)'),
});

export const rcloneDestination = defineDestination({
  kind: 'rclone',
  title: 'Any rclone remote',
  options: rcloneOptions,
  parseTarget(target) {
    const colon = target.indexOf(':');
    return colon < 0 ? { remote: target } : { remote: target.slice(0, colon), path: target.slice(colon + 1) };
  },
  idOf: (o) => `rclone:${o.remote}:${o.path.replace(/\/+$/g, '')}`,
  create: async (o) => (await import('./rclone-store.ts')).createRcloneStore(o),
});
