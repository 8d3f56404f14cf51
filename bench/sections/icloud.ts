/**
 * @module iCloud against the Apple simulator: listing 100k assets (assets/s), the real CLI's no-op incremental run once
 * the catalog knows 100k assets (s, with where the time goes), and download throughput simulator → local vs cp.
 * Sizes: PF_BENCH_ICLOUD_ASSETS (default 100000), PF_BENCH_ICLOUD_DOWNLOAD_ASSETS (default 300, 512 KiB mean).
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryState, silentLogger } from '../../src/connectors/context.ts';
import { IcloudSource } from '../../src/sources/icloud/icloud-source.ts';
import { Pacer } from '../../src/sources/icloud/pacer.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import { simSession } from '../../src/simulator/testing/sim-session.ts';
import { REMOTE, signIn, startWorld, type IcloudWorld } from '../../test/e2e/icloud/harness.ts';
import { flush, measure } from '../lib/measure.ts';
import type { BenchContext, Row } from '../lib/types.ts';
import type { Section } from '../lib/types.ts';

const SECTION = 'icloud';
const LIST_ASSETS = Number(process.env.PF_BENCH_ICLOUD_ASSETS ?? 100_000);
const DOWNLOAD_ASSETS = Number(process.env.PF_BENCH_ICLOUD_DOWNLOAD_ASSETS ?? 300);

async function sizeOf(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0, bytes = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.parentPath.includes('.photoferry')) continue;
    files += 1;
    bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}

/** Full listing through IcloudSource (no CLI, no catalog): what the client and simulator manage together. */
async function listing(ctx: BenchContext): Promise<Row[]> {
  const sim = await startSimulator({ assets: LIST_ASSETS, seed: 1 });
  const rows: Row[] = [];
  try {
    for (const [label, minIntervalMs] of [['no request spacing', 0], ['shipped pacing (20 ms spacing)', 20]] as const) {
      const source = new IcloudSource({
        appleId: sim.account.appleId, state: memoryState(), log: silentLogger, signIn: () => simSession(sim),
        pacer: new Pacer({ maxConcurrency: 6, minIntervalMs }),
      });
      const signal = new AbortController().signal;
      await source.connect(signal);
      const started = performance.now();
      let n = 0;
      for await (const page of source.changes(null, signal)) n += page.upserts.length;
      const seconds = (performance.now() - started) / 1000;
      const requests = [...source.calls.values()].reduce((a, b) => a + b, 0);
      ctx.log(`  listing ${n} assets, ${label}: ${seconds.toFixed(1)} s, ${requests} requests`);
      rows.push({ section: SECTION, what: `list ${n} assets from the simulator (IcloudSource.changes)`, tool: `photoferry, ${label}`, seconds, itemsPerSec: n / seconds, note: `${requests} CloudKit requests; simulator in the same process` });
      await source.close();
    }
  } finally {
    await sim.stop();
  }
  return rows;
}

/**
 * The CLI bundled as a release would run it (scripts/build.mjs's settings, into .bench/ so the shared dist/ is
 * left alone): bin/photoferry.js falls back to the TypeScript loader whenever dist/ is older than src/.
 */
async function bundle(ctx: BenchContext): Promise<string> {
  const { build } = await import('esbuild');
  const outdir = join(ctx.work, 'icloud-dist');
  await build({ entryPoints: { main: join(ctx.repo, 'src/cli/main.ts') }, outdir, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node24', packages: 'external', logLevel: 'warning' });
  return join(outdir, 'main.js');
}

/** Runs the CLI with --json and notes when each event type first arrives, to split a run into phases. */
function phases(world: IcloudWorld, args: readonly string[], entry = join(import.meta.dirname, '../../bin/photoferry.js'), extraNode: readonly string[] = []): Promise<{ seconds: number; code: number | null; firstAt: Map<string, number>; stdout: string }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...extraNode, entry, '--json', ...args], { env: { ...process.env, ...world.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const firstAt = new Map<string, number>();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const m of d.toString().matchAll(/"type":"([a-z-]+)"/g)) if (!firstAt.has(m[1]!)) firstAt.set(m[1]!, (performance.now() - started) / 1000);
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`photoferry ${args.join(' ')} exited ${code}: ${stderr.slice(-1500)}`));
      else done({ seconds: (performance.now() - started) / 1000, code, firstAt, stdout });
    });
  });
}

/** Seeds a catalog + destination with a full copy of a 100k library, then times the no-op incremental run. */
async function noop(ctx: BenchContext): Promise<Row[]> {
  const world = await startWorld({ assets: LIST_ASSETS, seed: 1, meanSize: 1024 }, ['minRequestIntervalMs=0']);
  const rows: Row[] = [];
  try {
    const auth = await signIn(world);
    if (auth.code !== 0) throw new Error(`auth icloud failed: ${auth.stderr}`);
    const out = join(world.home, 'backup');
    ctx.log(`  seeding: full copy of ${LIST_ASSETS} assets (1 KiB mean) into a fresh catalog …`);
    const seed = await phases(world, ['copy', `${REMOTE}:`, `local:${out}`]);
    const seeded = await sizeOf(out);
    ctx.log(`  seeded ${seeded.files} files in ${seed.seconds.toFixed(0)} s`);
    rows.push({ section: SECTION, what: `first copy of ${LIST_ASSETS} assets (tiny files), CLI`, tool: 'photoferry', seconds: seed.seconds, itemsPerSec: seeded.files / seed.seconds, note: `${seeded.files} files incl. sidecars; listed ${seed.firstAt.get('planned')?.toFixed(1)} s after start` });
    const bundled = await bundle(ctx);
    for (const [tool, entry] of [['photoferry CLI (bin: tsx while dist/ is stale)', undefined], ['photoferry CLI (bundled)', bundled]] as const) {
      for (let run = 1; run <= ctx.runs; run++) {
        const before = world.sim.state.requests.cloudkit;
        const r = await phases(world, ['copy', `${REMOTE}:`, `local:${out}`], entry);
        const requests = world.sim.state.requests.cloudkit - before;
        const at = (t: string) => r.firstAt.get(t)?.toFixed(2) ?? '–';
        ctx.log(`  no-op, ${tool}, run ${run}/${ctx.runs}: ${r.seconds.toFixed(2)} s, ${requests} CloudKit requests; planned at ${at('planned')} s, finished at ${at('finished')} s`);
        if (run === ctx.runs) {
          rows.push({ section: SECTION, what: `no-op incremental copy, catalog knows ${LIST_ASSETS} assets`, tool, seconds: r.seconds,
            note: `${requests} CloudKit requests; event 'planned' at ${at('planned')} s, 'finished' at ${at('finished')} s after spawn` });
        }
      }
    }
    // Where the time goes: a CPU profile of one bundled no-op run (open with Chrome DevTools or speedscope).
    const profDir = join(ctx.work, 'icloud-noop-profile');
    await rm(profDir, { recursive: true, force: true });
    await phases(world, ['copy', `${REMOTE}:`, `local:${out}`], bundled, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
    ctx.log(`  CPU profile of a bundled no-op run: ${profDir}`);
    // A bare start-up for scale: how much of the no-op is just starting the CLI.
    for (const [tool, entry] of [['photoferry CLI (bin)', join(ctx.repo, 'bin/photoferry.js')], ['photoferry CLI (bundled)', bundled]] as const) {
      const started = await measure(process.execPath, [entry, 'runs', '--limit', '1'], { ...process.env, ...world.env });
      rows.push({ section: SECTION, what: 'CLI start-up + catalog open (photoferry runs --limit 1)', tool, seconds: started.seconds, peakRssMb: started.peakTreeRssMb });
    }
  } finally {
    await world.stop();
  }
  return rows;
}

/** Downloads a library with realistic sizes from the simulator to local, against cp of the same bytes. */
async function download(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const scratch = join(ctx.work, 'scratch', 'icloud');
  for (const [label, remoteOptions] of [['shipped pacing', []], ['no request spacing', ['minRequestIntervalMs=0']]] as const) {
    const world = await startWorld({ assets: DOWNLOAD_ASSETS, seed: 5, meanSize: 512 * 1024 }, remoteOptions);
    try {
      const auth = await signIn(world);
      if (auth.code !== 0) throw new Error(`auth icloud failed: ${auth.stderr}`);
      let last;
      let out = '';
      for (let run = 1; run <= ctx.runs; run++) {
        out = join(world.home, `backup-${run}`);
        await flush();
        last = await measure(process.execPath, [join(ctx.repo, 'bin/photoferry.js'), '--quiet', 'copy', `${REMOTE}:`, `local:${out}`], { ...process.env, ...world.env });
        if (last.code !== 0) throw new Error(`copy failed: ${last.stderr.slice(-1500)}`);
        if (run > 1) await rm(join(world.home, `backup-${run - 1}`), { recursive: true, force: true });
        // Later runs would be no-ops against the same catalog: start each from an empty one.
        await rm(join(world.env.PHOTOFERRY_HOME!, 'catalog.db'), { force: true });
        ctx.log(`  download, ${label}, run ${run}/${ctx.runs}: ${last.seconds.toFixed(2)} s`);
      }
      const got = await sizeOf(out);
      rows.push({ section: SECTION, what: `download ${DOWNLOAD_ASSETS} assets, ${(got.bytes / 1e6).toFixed(0)} MB, ${got.files} files, simulator → local`, tool: `photoferry, ${label}`,
        seconds: last!.seconds, mbPerSec: got.bytes / 1e6 / last!.seconds, itemsPerSec: got.files / last!.seconds, peakRssMb: last!.peakTreeRssMb, note: 'CLI start and sign-in check included' });
      if (label === 'no request spacing') {
        for (const [tool, cmd, args] of [['cp -r', 'cp', ['-r', out, join(scratch, 'cp')]], ['cp -r && sync', 'sh', ['-c', 'cp -r "$0" "$1" && sync', out, join(scratch, 'cp')]]] as const) {
          await rm(scratch, { recursive: true, force: true });
          await mkdir(scratch, { recursive: true });
          await flush();
          const m = await measure(cmd, args);
          rows.push({ section: SECTION, what: `the same ${(got.bytes / 1e6).toFixed(0)} MB, ${got.files} files, local → local`, tool, seconds: m.seconds, mbPerSec: got.bytes / 1e6 / m.seconds, itemsPerSec: got.files / m.seconds, note: 'warm cache' });
        }
        await rm(scratch, { recursive: true, force: true });
      }
    } finally {
      await world.stop();
    }
  }
  return rows;
}

export const icloud: Section = {
  name: SECTION,
  description: 'Apple simulator: list 100k assets (assets/s), no-op incremental CLI run on a 100k catalog (s), download simulator → local vs cp',
  run: async (ctx) => [...await listing(ctx), ...await download(ctx), ...await noop(ctx)],
};
