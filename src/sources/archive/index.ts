/** @module Archive source definition: `archive:/path/to/backup` reads a photoferry backup back (restore). */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { TransferError } from '../../core/transfer-error.ts';
import { defineSource } from '../define.ts';
import { ArchiveSource, type ArchiveReader } from './archive-source.ts';
import { CONNECTOR, toTransferError } from './errors.ts';

export const archiveOptions = z.object({
  path: z.string().min(1).describe('Folder of a photoferry backup (holds photoferry-manifest.jsonl); remotes: archive:<remote>:<path>'),
});

/** Reads files of a backup folder on this machine; paths come from the manifest, so they are checked first. */
export function folderReader(root: string): ArchiveReader {
  return {
    async read(path) {
      // A manifest is input: a path must stay inside the backup folder.
      if (path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '')) {
        throw new TransferError('invalid-input', `archive path ${JSON.stringify(path)} leaves the backup folder`, { connector: CONNECTOR });
      }
      const abs = resolve(root, path);
      const handle = await open(abs, 'r').catch((err: unknown) => { throw toTransferError(err, `archive ${path}`); });
      return createReadStream('', { fd: handle });
    },
    close: async () => undefined,
  };
}

export const archiveSource = defineSource({
  kind: 'archive',
  title: 'photoferry backup (restore)',
  options: archiveOptions,
  parseTarget: (target) => ({ path: target }),
  idOf: (o) => `archive:${resolve(o.path)}`,
  create: (o) => new ArchiveSource(`archive:${resolve(o.path)}`, folderReader(resolve(o.path))),
});

export { ArchiveSource, type ArchiveReader } from './archive-source.ts';
