/** @module What a folder on this machine holds: files and bytes, counted on disk (a server's store, a copy's output). */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Files and bytes under `dir`; a folder that does not exist holds nothing. */
export async function sizeOf(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0, bytes = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!e.isFile()) continue;
    files += 1;
    bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}
