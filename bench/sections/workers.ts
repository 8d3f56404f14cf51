/**
 * @module photoferry copy folder: → local: on a loopback PostgreSQL catalog: in-process, then with 1, 2 and 4
 * `photoferry worker` processes; assets/s, MB/s, and the queue's overhead per batch job against in-process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { flush, measure } from '../lib/measure.ts';
import type { BenchContext, Row, Section } from '../lib/types.ts';
import { startPostgres } from '../../test/servers/postgres.ts';
import { openCatalog } from '../../src/catalog/open.ts';

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

export const workers: Section = {
  name: 'workers',
  description: 'copy folder: → local: on a PostgreSQL catalog, in-process vs 1/2/4 worker processes (assets/s, MB/s, queue overhead per job)',
  async run(ctx) {
    const lib = await ctx.library('mixed');
    const pg = await startPostgres();
    const rows: Row[] = [];
    const what = `copy mixed library, ${(lib.bytes / 1e9).toFixed(2)} GB, ${lib.assets} assets, ${lib.files} files, PostgreSQL catalog`;
    let inProcess = 0;
    try {
      for (const n of [0, 1, 2, 4]) {
        const url = await pg.createDatabase(`bench_${n}`);
        const scratch = join(ctx.work, 'scratch', `workers-${n}`);
        await rm(scratch, { recursive: true, force: true });
        await mkdir(scratch, { recursive: true });
        const env = { ...process.env, PHOTOFERRY_HOME: join(scratch, 'home'), PHOTOFERRY_CATALOG_URL: url };
        const started = await Promise.all(Array.from({ length: n }, () => startWorker(ctx, env)));
        try {
          await flush();
          const m = await measure(process.execPath, [join(ctx.repo, 'bin/photoferry.js'), '--quiet', 'copy', ...(n === 0 ? ['--no-workers'] : []),
            `folder:${lib.dir}`, `local:${join(scratch, 'out')}`], env);
          if (m.code !== 0) throw new Error(`copy with ${n} worker(s) failed (exit ${m.code}):\n${m.stderr.slice(-2000)}`);
          const catalog = await openCatalog(url);
          const [run] = await catalog.runs(1);
          const batches = run ? (await catalog.jobs.batches(run.id)).length : 0;
          await catalog.close();
          if (n === 0) inProcess = m.seconds;
          const overhead = n === 1 && batches > 0 ? `; queue overhead ≈ ${(((m.seconds - inProcess) / batches) * 1000).toFixed(0)} ms per job (${batches} jobs, vs in-process)` : '';
          rows.push({
            section: 'workers', what, tool: n === 0 ? 'photoferry in-process' : `photoferry, ${n} worker(s)`, seconds: m.seconds,
            mbPerSec: lib.bytes / 1e6 / m.seconds, itemsPerSec: lib.assets / m.seconds, peakRssMb: m.peakTreeRssMb,
            note: `assets/s in items/s; 2-core shared machine, one run${n > 0 ? `, ${batches} batch jobs` : ''}${overhead}`,
          });
          ctx.log(`  ${n} worker(s): ${m.seconds.toFixed(2)} s`);
        } finally {
          await stop(started);
          await rm(scratch, { recursive: true, force: true });
        }
      }
    } finally {
      await pg.stop();
    }
    return rows;
  },
};
