/**
 * @module photoferry copy folder: → local: on a loopback PostgreSQL catalog: in-process, then with 1, 2 and 4
 * `photoferry worker` processes, on the mixed library (bytes-bound) and the 10k small-file one (per-job cost shows).
 * Wall time, assets/s, MB/s, CPU seconds (coordinator and workers; PostgreSQL not counted) and memory with the
 * workers'; the queue's overhead per batch job is 1 worker against in-process, in wall and in CPU time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { flush, measure } from '../lib/measure.ts';
import { cpuSecondsOf, peakRssMbOf, reapedChildrenCpuSeconds } from '../lib/cpu.ts';
import type { BenchContext, Library, Row, Section } from '../lib/types.ts';
import { startPostgres, type PostgresServer } from '../../test/servers/postgres.ts';
import { openCatalog } from '../../src/catalog/open.ts';

const WORKER_COUNTS = [0, 1, 2, 4] as const;

function startWorker(ctx: BenchContext, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ctx.repo, 'bin/photoferry.js'), 'worker', '--jobs', '2', '--concurrency', '4'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (/ready/.test(err)) resolve(child); });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
}

async function stop(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); })));
}

interface Timed { seconds: number; cpuSeconds: number; peakRssMb: number; jobs: number }

/** One copy of `lib` with `n` workers (0: in-process) on a fresh database and destination. */
async function timeCopy(ctx: BenchContext, pg: PostgresServer, lib: Library, name: string, n: number): Promise<Timed> {
  const url = await pg.createDatabase(`bench_${name}_${n}`);
  const scratch = join(ctx.work, 'scratch', `workers-${name}-${n}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const env = { ...process.env, PHOTOFERRY_HOME: join(scratch, 'home'), PHOTOFERRY_CATALOG_URL: url };
  const started = await Promise.all(Array.from({ length: n }, () => startWorker(ctx, env)));
  try {
    await flush();
    const workersCpuBefore = started.reduce((s, c) => s + cpuSecondsOf(c.pid!), 0);
    const coordinatorCpuBefore = reapedChildrenCpuSeconds();
    const m = await measure(process.execPath, [join(ctx.repo, 'bin/photoferry.js'), '--quiet', 'copy', ...(n === 0 ? ['--no-workers'] : []),
      `folder:${lib.dir}`, `local:${join(scratch, 'out')}`], env);
    if (m.code !== 0) throw new Error(`copy with ${n} worker(s) failed (exit ${m.code}):\n${m.stderr.slice(-2000)}`);
    const cpuSeconds = reapedChildrenCpuSeconds() - coordinatorCpuBefore
      + started.reduce((s, c) => s + cpuSecondsOf(c.pid!), 0) - workersCpuBefore;
    const peakRssMb = m.peakTreeRssMb + started.reduce((s, c) => s + peakRssMbOf(c.pid!), 0);
    const catalog = await openCatalog(url);
    const [run] = await catalog.runs(1);
    const jobs = run ? (await catalog.jobs.batches(run.id)).length : 0;
    await catalog.close();
    ctx.log(`  ${name}, ${n} worker(s): ${m.seconds.toFixed(2)} s, ${cpuSeconds.toFixed(1)} CPU s, ${jobs} jobs`);
    return { seconds: m.seconds, cpuSeconds, peakRssMb, jobs };
  } finally {
    await stop(started);
    await rm(scratch, { recursive: true, force: true });
  }
}

export const workers: Section = {
  name: 'workers',
  description: 'copy folder: → local: on a PostgreSQL catalog, in-process vs 1/2/4 worker processes (assets/s, MB/s, CPU, queue overhead per job)',
  async run(ctx) {
    const pg = await startPostgres();
    const rows: Row[] = [];
    try {
      for (const name of ['mixed', 'small'] as const) {
        const lib = await ctx.library(name);
        const what = `copy ${name} library, ${(lib.bytes / 1e9).toFixed(2)} GB, ${lib.assets} assets, ${lib.files} files, PostgreSQL catalog`;
        let inProcess: Timed | undefined;
        for (const n of WORKER_COUNTS) {
          const t = await timeCopy(ctx, pg, lib, name, n);
          inProcess ??= t;
          const overhead = n === 1 && t.jobs > 0
            ? `; queue overhead per job vs in-process ≈ ${(((t.seconds - inProcess.seconds) / t.jobs) * 1000).toFixed(0)} ms wall, ${(((t.cpuSeconds - inProcess.cpuSeconds) / t.jobs) * 1000).toFixed(0)} ms CPU`
            : '';
          rows.push({
            section: 'workers', what, tool: n === 0 ? 'photoferry in-process' : `photoferry, ${n} worker(s)`, seconds: t.seconds,
            mbPerSec: lib.bytes / 1e6 / t.seconds, itemsPerSec: lib.assets / t.seconds, peakRssMb: t.peakRssMb,
            note: `items = assets; ${t.cpuSeconds.toFixed(1)} CPU s (PostgreSQL not counted); RSS includes the workers; 2 cores, one run`
              + `${n > 0 ? `, ${t.jobs} batch jobs` : ''}${overhead}`,
          });
        }
      }
    } finally {
      await pg.stop();
    }
    return rows;
  },
};
