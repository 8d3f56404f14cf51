/** @module photoferry copy folder:LIB local:OUT (defaults and bytes only) against rclone copy and cp -r of the same bytes, on the mixed and the 10k-small library. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { measure, type Measured } from '../lib/measure.ts';
import { warmAndFlush } from '../lib/warm.ts';
import { retire } from '../lib/scratch.ts';
import type { BenchContext, Library, Row, Section } from '../lib/types.ts';
import { sizeOf } from '../lib/disk.ts';

interface Side { readonly tool: string; command(lib: Library, out: string, scratch: string): [string, string[], NodeJS.ProcessEnv?] }

// Run as users run it: the launcher's shebang carries node's flags.
const photoferry = (ctx: BenchContext, extra: readonly string[]): Side['command'] => (lib, out, scratch) => [join(ctx.repo, 'bin/photoferry.js'), [
  '--catalog', join(scratch, 'catalog.db'), '--quiet',
  'copy', `folder:${lib.dir}`, `local:${out}`, ...extra,
], { ...process.env, PHOTOFERRY_HOME: join(scratch, 'home') }];

const sides = (ctx: BenchContext): Side[] => [
  { tool: 'photoferry', command: photoferry(ctx, []) },
  { tool: 'photoferry, bytes only', command: photoferry(ctx, ['--sidecar', 'none', '--albums', 'none', '--no-manifest']) },
  // rclone hashes what it copied local to local (MD5) and checks sizes: the like-for-like peer of "bytes only".
  { tool: 'rclone copy', command: (lib, out) => ['rclone', ['copy', lib.dir, out, '--exclude', '.photoferry-bench.json']] },
  // photoferry's run ends when the destination's file system is flushed (one syncfs); rclone's and cp's before the
  // page cache is written back, so each is shown with its own sync too, the like-for-like pair.
  { tool: 'rclone copy && sync', command: (lib, out) => ['sh', ['-c', 'rclone copy "$0" "$1" --exclude .photoferry-bench.json && sync', lib.dir, out]] },
  { tool: 'cp -r', command: (lib, out) => ['cp', ['-r', lib.dir, out]] },
  { tool: 'cp -r && sync', command: (lib, out) => ['sh', ['-c', 'cp -r "$0" "$1" && sync', lib.dir, out]] },
];

async function timed(ctx: BenchContext, side: Side, lib: Library, name: string): Promise<{ m: Measured; copied: { files: number; bytes: number } }> {
  const scratch = join(ctx.work, 'scratch', name);
  const out = join(scratch, 'out');
  let last: Measured | undefined;
  for (let run = 1; run <= ctx.runs; run++) {
    // The 10k-file library's outputs are set aside, not deleted (lib/scratch.ts): a delete slowed the next run 10×.
    await retire(ctx, scratch, lib.files);
    await mkdir(scratch, { recursive: true });
    await warmAndFlush(lib.dir);
    const [cmd, args, env] = side.command(lib, out, scratch);
    last = await measure(cmd, args, env);
    if (last.code !== 0) throw new Error(`${side.tool} failed (exit ${last.code}):\n${last.stderr.slice(-2000)}`);
    ctx.log(`  ${side.tool} run ${run}/${ctx.runs}: ${last.seconds.toFixed(2)} s`);
  }
  const copied = await sizeOf(out);
  await retire(ctx, scratch, lib.files);
  return { m: last!, copied };
}

async function compare(ctx: BenchContext, name: 'mixed' | 'small'): Promise<Row[]> {
  const lib = await ctx.library(name);
  const what = name === 'mixed'
    ? `copy mixed library, ${(lib.bytes / 1e9).toFixed(2)} GB, ${lib.files} files`
    : `copy ${lib.files} small files, ${(lib.bytes / 1e6).toFixed(0)} MB`;
  const rows: Row[] = [];
  for (const side of sides(ctx)) {
    ctx.log(`${what}: ${side.tool}`);
    const { m, copied } = await timed(ctx, side, lib, `${name}-${side.tool.replace(/\W+/g, '-')}`);
    const short = copied.bytes < lib.bytes * 0.99 ? `; only ${copied.files} files / ${(copied.bytes / 1e6).toFixed(0)} MB arrived` : '';
    rows.push({
      section: 'copy-local', what, tool: side.tool, seconds: m.seconds,
      mbPerSec: lib.bytes / 1e6 / m.seconds, itemsPerSec: lib.files / m.seconds, peakRssMb: m.peakTreeRssMb,
      note: `warm cache, run ${ctx.runs} of ${ctx.runs}${short}`,
    });
  }
  const ours = rows.filter((r) => r.tool.startsWith('photoferry'));
  const peers = rows.filter((r) => !r.tool.startsWith('photoferry'));
  for (const pf of ours) {
    for (const ref of peers) {
      // As in the other sections: the peer's time over ours, so above 1× means photoferry is faster.
      rows.push({ section: 'copy-local', what, tool: `ratio ${pf.tool} / ${ref.tool}`, seconds: ref.seconds / pf.seconds,
        note: `${pf.tool} takes ${(pf.seconds / ref.seconds).toFixed(2)}× the time of ${ref.tool}` });
    }
  }
  return rows;
}

export const copyLocal: Section = {
  name: 'copy-local',
  description: 'photoferry copy folder: → local: (defaults, bytes only) vs rclone copy and cp -r (throughput, files/s, peak RSS)',
  run: async (ctx) => [...await compare(ctx, 'mixed'), ...await compare(ctx, 'small')],
};
