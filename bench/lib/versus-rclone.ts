/** @module photoferry copy vs `rclone copy` of the same cached library to the same kind of server, interleaved, each timed run against a fresh, empty server. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { measure, type Measured } from './measure.ts';
import type { BenchContext, Library, Row, Section } from './types.ts';
import { retire } from './scratch.ts';
import { warmAndFlush } from './warm.ts';
import { STAGES_ENV, stagesNote } from './stages.ts';

export type Tool = 'photoferry' | 'rclone';

/** One server started for one timed run, and how each tool reaches it. */
export interface PeerRun {
  /** `TYPE k=v …` for `photoferry remote add bench …` (not timed) and the target `copy` is given. */
  readonly photoferry: { readonly addArgs: readonly string[]; readonly target: string };
  /** RCLONE_CONFIG_* for the remote, and `remote:path`. */
  readonly rclone: { readonly env: Readonly<Record<string, string>>; readonly target: string };
  /** What arrived for one tool, read from the server, to show both really copied everything. */
  stored(tool: Tool): Promise<{ files: number; bytes: number }>;
  /** The folder the server stores into, which `stop` deletes: set aside first, as the run's scratch is (lib/scratch.ts). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface Peer {
  readonly section: string;
  /** "s3rver 3.7.1", "OpenSSH 9.2 sshd": named in the rows. */
  readonly server: string;
  start(): Promise<PeerRun>;
}

/** Debian's rclone breaks on plain-http endpoints when AWS_CA_BUNDLE is set (docs/dependencies.md). */
function rcloneEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.AWS_CA_BUNDLE;
  return env;
}

/** What is timed: photoferry with its defaults (XMP sidecars, album manifests, run manifest), photoferry moving only the library's bytes (what rclone does), rclone. */
const SIDES = [
  { label: 'photoferry', tool: 'photoferry', extra: [] },
  { label: 'photoferry, bytes only', tool: 'photoferry', extra: ['--sidecar', 'none', '--albums', 'none', '--no-manifest'] },
  { label: 'rclone copy', tool: 'rclone', extra: [] },
] as const satisfies readonly { label: string; tool: Tool; extra: readonly string[] }[];
type Side = (typeof SIDES)[number];

async function timedRun(ctx: BenchContext, peer: Peer, side: Side, lib: Library, scratch: string): Promise<{ m: Measured; stored: { files: number; bytes: number } }> {
  const { tool } = side;
  await retire(ctx, scratch, lib.files);
  await mkdir(scratch, { recursive: true });
  const run = await peer.start();
  try {
    const pfEnv = { ...process.env, ...STAGES_ENV, PHOTOFERRY_HOME: join(scratch, 'home'), PHOTOFERRY_PASSPHRASE: 'bench' };
    // The launcher is run as users run it (its shebang carries node's flags), not as `node bin/photoferry.js`.
    const bin = join(ctx.repo, 'bin/photoferry.js');
    const pf = ['--catalog', join(scratch, 'catalog.db')];
    if (tool === 'photoferry') {
      const add = await measure(bin, [...pf, 'remote', 'add', 'bench', ...run.photoferry.addArgs], pfEnv);
      if (add.code !== 0) throw new Error(`photoferry remote add failed:\n${add.stderr}`);
    }
    await warmAndFlush(lib.dir);
    const m = tool === 'photoferry'
      ? await measure(bin, [...pf, '--quiet', 'copy', `folder:${lib.dir}`, run.photoferry.target, ...side.extra], pfEnv)
      // The bench cache marker is photoferry's own file; the folder source skips it, so rclone must too.
      : await measure('rclone', ['copy', lib.dir, run.rclone.target, '--exclude', '.photoferry-bench.json'], rcloneEnv(run.rclone.env));
    return { m, stored: await run.stored(tool) };
  } finally {
    // Moved while the server still runs (it writes nothing more); its stop then finds nothing to delete there.
    await retire(ctx, run.dataDir, lib.files);
    await run.stop();
    await retire(ctx, scratch, lib.files);
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * 4 transfers at once on every side (both tools' default). Sides take turns within each of `ctx.runs` rounds, so
 * they share the machine's load as it changes; the median run of each side is reported, then throughput ratios.
 * `PF_BENCH_SIDES=bytes` times only photoferry (bytes only) and rclone, for quicker A/B work.
 */
export async function versusRclone(ctx: BenchContext, peer: Peer, name: 'mixed' | 'small'): Promise<Row[]> {
  const lib = await ctx.library(name);
  const what = name === 'mixed'
    ? `copy mixed library to ${peer.server}, ${(lib.bytes / 1e9).toFixed(2)} GB, ${lib.files} files`
    : `copy ${lib.files} small files to ${peer.server}, ${(lib.bytes / 1e6).toFixed(0)} MB`;
  const sides = process.env.PF_BENCH_SIDES === 'bytes' ? SIDES.filter((s) => s.label !== 'photoferry') : SIDES;
  const runs = new Map<string, (Awaited<ReturnType<typeof timedRun>> & { load: number })[]>(sides.map((s) => [s.label, []]));
  for (let i = 1; i <= ctx.runs; i++) {
    for (const side of sides) {
      const load = loadavg()[0]!;
      const run = await timedRun(ctx, peer, side, lib, join(ctx.work, 'scratch', `${peer.section}-${name}-${side.tool}`));
      runs.get(side.label)!.push({ ...run, load });
      ctx.log(`${what}: ${side.label} round ${i}/${ctx.runs}: ${run.m.seconds.toFixed(2)} s, exit ${run.m.code}, `
        + `${run.stored.files} files / ${(run.stored.bytes / 1e6).toFixed(0)} MB stored, load ${load.toFixed(1)}`);
    }
  }
  const rows: Row[] = [];
  for (const side of sides) {
    const list = runs.get(side.label)!;
    const seconds = median(list.map((r) => r.m.seconds));
    const { m, stored, load } = list.find((r) => r.m.seconds === seconds)!;
    const short = stored.bytes < lib.bytes * 0.99 || stored.files < lib.files ? `; only ${stored.files} files / ${(stored.bytes / 1e6).toFixed(0)} MB arrived` : '';
    const extra = stored.files > lib.files ? `; +${stored.files - lib.files} files of its own (sidecars, manifest)` : '';
    const failures = `${m.stdout}\n${m.stderr}`.split('\n').filter((l) => /^failed:|^photoferry:|ERROR/.test(l.trim()));
    const failed = m.code === 0 ? '' : `; exit ${m.code}, ${failures.length} failure line(s), first: ${(failures[0] ?? '').trim().slice(0, 120)}`;
    rows.push({
      section: peer.section, what, tool: side.label, seconds, mbPerSec: lib.bytes / 1e6 / seconds, itemsPerSec: lib.files / seconds,
      peakRssMb: Math.max(...list.map((r) => r.m.peakTreeRssMb)),
      note: `median of ${list.length}, interleaved, fresh server, load ${load.toFixed(1)}${short}${extra}${failed}${side.tool === 'photoferry' ? `; ${stagesNote(m.stderr)}` : ''}`,
    });
  }
  const rc = rows.find((r) => r.tool === 'rclone copy')!;
  for (const ours of rows.filter((r) => r.tool.startsWith('photoferry'))) {
    rows.push({
      section: peer.section, what, tool: `ratio ${ours.tool} / rclone`, seconds: rc.seconds / ours.seconds,
      note: `throughput ratio (goal ≥ ${name === 'mixed' ? '1.2' : '1.0'}×); peak RSS ${ours.peakRssMb!.toFixed(0)} MB vs ${rc.peakRssMb!.toFixed(0)} MB`,
    });
  }
  return rows;
}

/** A section timing photoferry against rclone on one peer, the mixed library then the 10k small files. */
export const versusRcloneSection = (name: string, description: string, peer: Peer): Section => ({
  name, description, run: async (ctx) => [...await versusRclone(ctx, peer, 'mixed'), ...await versusRclone(ctx, peer, 'small')],
});
