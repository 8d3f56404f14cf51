/**
 * @module Puts a library in the page cache before a timed run, so every side starts warm whichever side ran before.
 *
 * rclone's local backend drops from the page cache what it has read (fadvise DONTNEED): after `rclone copy` of the
 * 10k-file library, `fincore` counted 0 of its bytes cached, against all of them before. The side timed next read the
 * library from disk: photoferry with its defaults, first in each round of the server sections, listed 10k files in
 * 1.08–1.24 s instead of 0.42 s (its listing reads each JPEG's head), and `rclone copy && sync` followed `rclone copy`
 * locally. This VM also pages out file cache left untouched for about a minute (DAMON), which a slow run can outlast.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { flush } from './measure.ts';

const CHUNK = 1 << 20;

/** What every timed copy of a library starts from: the library read once (the bytes go nowhere), then the disk flushed. */
export async function warmAndFlush(dir: string): Promise<void> {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const handle = await open(join(entry.parentPath, entry.name), 'r');
    try {
      while ((await handle.read(buf, 0, CHUNK, null)).bytesRead > 0);
    } finally {
      await handle.close();
    }
  }
  await flush();
}
