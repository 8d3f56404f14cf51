/**
 * @module The 10k-small-file corpus (10–60 KB each) copied by photoferry (bytes only, and with its defaults),
 * `rclone copy` (alone, and followed by `sync`) and `cp -r`: local → local interleaved run by run (the median is
 * reported), then to S3 (s3rver) and SFTP (sshd) against rclone (WebDAV: the webdav section). Assets/s, ratios, peak
 * RSS and photoferry's per-stage breakdown.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { sizeOf } from '../lib/disk.ts';
import { measure, type Measured } from '../lib/measure.ts';
import { warmAndFlush } from '../lib/warm.ts';
import { retire } from '../lib/scratch.ts';
import { STAGES_ENV, stagesNote } from '../lib/stages.ts';
import { versusRclone } from '../lib/versus-rclone.ts';
import type { BenchContext, Library, Row, Section } from '../lib/types.ts';
import { s3rver } from './s3.ts';
import { sshd } from './sftp.ts';

const SECTION = 'small-files';

interface Side {
  readonly tool: string;
  command(lib: Library, out: string, scratch: string): [string, string[], NodeJS.ProcessEnv?];
}

const sides = (ctx: BenchContext): Side[] => {
  // Run as users run it: the launcher's shebang carries node's flags.
  const photoferry = (extra: string[]) => (lib: Library, out: string, scratch: string): [string, string[], NodeJS.ProcessEnv] => [
    join(ctx.repo, 'bin/photoferry.js'),
    ['--catalog', join(scratch, 'catalog.db'), '--quiet', 'copy', `folder:${lib.dir}`, `local:${out}`, ...extra],
    { ...process.env, ...STAGES_ENV, PHOTOFERRY_HOME: join(scratch, 'home') },
  ];
  return [
    { tool: 'photoferry, bytes only', command: photoferry(['--sidecar', 'none', '--albums', 'none', '--no-manifest']) },
    { tool: 'photoferry', command: photoferry([]) },
    // rclone checks sizes and, local to local, MD5s of what it copied; the bench marker is photoferry's own file.
    { tool: 'rclone copy', command: (lib, out) => ['rclone', ['copy', lib.dir, out, '--exclude', '.photoferry-bench.json']] },
    // photoferry's run ends once the destination's file system is flushed (one syncfs); rclone's before the page cache
    // is written back. The target is set against rclone alone; this row shows what the flush is worth here.
    { tool: 'rclone copy && sync', command: (lib, out) => ['sh', ['-c', 'rclone copy "$0" "$1" --exclude .photoferry-bench.json && sync', lib.dir, out]] },
    { tool: 'cp -r', command: (lib, out) => ['cp', ['-r', lib.dir, out]] },
  ];
};

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Local → local, sides interleaved within each round so they share the machine's load; medians reported. */
async function local(ctx: BenchContext): Promise<Row[]> {
  const lib = await ctx.library('small');
  const what = `copy ${lib.files} small files local → local, ${(lib.bytes / 1e6).toFixed(0)} MB`;
  const all = sides(ctx);
  const runs = new Map<string, { m: Measured; files: number; load: number }[]>(all.map((s) => [s.tool, []]));
  for (let round = 1; round <= ctx.runs; round++) {
    for (const side of all) {
      const scratch = join(ctx.work, 'scratch', `${SECTION}-${side.tool.replace(/\W+/g, '-')}`);
      const out = join(scratch, 'out');
      await retire(ctx, scratch, lib.files);
      await mkdir(scratch, { recursive: true });
      await warmAndFlush(lib.dir);
      const load = loadavg()[0]!;
      const [cmd, args, env] = side.command(lib, out, scratch);
      const m = await measure(cmd, args, env);
      if (m.code !== 0) throw new Error(`${side.tool} failed (exit ${m.code}):\n${m.stderr.slice(-2000)}`);
      const { files } = await sizeOf(out);
      runs.get(side.tool)!.push({ m, files, load });
      ctx.log(`  ${side.tool} round ${round}/${ctx.runs}: ${m.seconds.toFixed(2)} s, ${files} files, peak ${m.peakTreeRssMb.toFixed(0)} MB, load ${load.toFixed(1)}`);
      await retire(ctx, scratch, lib.files);
    }
  }
  const rows: Row[] = all.map((side) => {
    const list = runs.get(side.tool)!;
    const seconds = median(list.map((r) => r.m.seconds));
    const mid = list.find((r) => r.m.seconds === seconds)!;
    const short = mid.files < lib.files ? `; only ${mid.files} files arrived` : '';
    const stages = side.tool.startsWith('photoferry') ? `; ${stagesNote(mid.m.stderr)}` : '';
    return {
      section: SECTION, what, tool: side.tool, seconds, mbPerSec: lib.bytes / 1e6 / seconds, itemsPerSec: lib.files / seconds,
      peakRssMb: Math.max(...list.map((r) => r.m.peakTreeRssMb)),
      note: `median of ${list.length}, interleaved, load ${mid.load.toFixed(1)}${short}${stages}`,
    };
  });
  const ref = rows.find((r) => r.tool === 'rclone copy')!;
  const synced = rows.find((r) => r.tool === 'rclone copy && sync')!;
  for (const ours of rows.filter((r) => r.tool.startsWith('photoferry'))) {
    rows.push({
      section: SECTION, what, tool: `ratio ${ours.tool} / rclone`, seconds: ref.seconds / ours.seconds,
      note: `throughput ratio (goal ≥ 1.0× bytes only, ≥ 0.7× with defaults); peak RSS ${ours.peakRssMb!.toFixed(0)} MB vs ${ref.peakRssMb!.toFixed(0)} MB (goal ≤ 150 MB)`,
    });
    rows.push({
      section: SECTION, what, tool: `ratio ${ours.tool} / rclone copy && sync`, seconds: synced.seconds / ours.seconds,
      note: 'both ends flushed to disk, as photoferry ends its run',
    });
  }
  return rows;
}

export const smallFiles: Section = {
  name: SECTION,
  description: '10k small files: photoferry vs rclone copy vs cp -r, local → local, → S3 (s3rver), → SFTP (sshd); assets/s, ratios, peak RSS, per-stage breakdown',
  run: async (ctx) => [
    ...await local(ctx),
    ...await versusRclone(ctx, { ...s3rver, section: SECTION }, 'small'),
    ...await versusRclone(ctx, { ...sshd, section: SECTION }, 'small'),
  ],
};
