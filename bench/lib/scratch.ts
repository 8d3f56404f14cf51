/**
 * @module Scratch folders of timed runs that wrote many files are set aside, not deleted, until the bench ends.
 *
 * On an ext4 without a journal (this VM's root file system), the kernel does not hand out an inode freed in the last
 * 60–300 s (`recently_deleted()`, checked for every candidate inode in `find_inode_bit()`), so the runs that create
 * files right after 10k were deleted walk past all of them, inode by inode. Measured here: `cp -r` of the 10k-small-file
 * library took 10.6–12.6 s straight after such a delete, 0.49–0.54 s otherwise (perf: 60% of it in
 * `recently_deleted` and `find_get_block_common`). Deleting each run's output before the next side's run made the
 * ratios depend on which side ran after which.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from './types.ts';

/** Below this many files a delete costs the next run nothing measurable, and a large library's GBs are freed at once. */
const MANY_FILES = 1000;

const retiredDir = (ctx: Pick<BenchContext, 'work'>) => join(ctx.work, 'retired');
let retired = 0;

/** Removes `dir` now when it holds few files, else moves it aside (a rename frees no inode) for `sweepRetired`. */
export async function retire(ctx: Pick<BenchContext, 'work'>, dir: string, files: number): Promise<void> {
  if (files < MANY_FILES) {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  await mkdir(retiredDir(ctx), { recursive: true });
  await rename(dir, join(retiredDir(ctx), `${process.pid}-${retired++}`)).catch(async (err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  });
}

/** Deletes what `retire` set aside (also a killed bench's leftovers): called once no timed run follows. */
export async function sweepRetired(ctx: Pick<BenchContext, 'work'>): Promise<void> {
  await rm(retiredDir(ctx), { recursive: true, force: true });
}
