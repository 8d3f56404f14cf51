/** @module `photoferry worker`: one of N processes (on N machines) that run copy batches from the shared PostgreSQL catalog. */
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { withContext } from '../runtime.ts';

const positive = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, not "${v}"`);
  return n;
};

export function register(program: Command): void {
  program.command('worker')
    .description('claim and run copy batches queued by copy/sync/serve on a shared PostgreSQL catalog (--catalog postgres://… or PHOTOFERRY_CATALOG_URL); stops on SIGTERM after the batches in hand')
    .option('--jobs <n>', 'batches worked on at once by this process', positive('--jobs'), 2)
    .option('--concurrency <n>', 'files in flight per batch', positive('--concurrency'), 4)
    .option('--per-account <n>', 'batches of one account in flight across all workers', positive('--per-account'), 4)
    .action(async (flags: { jobs: number; concurrency: number; perAccount: number }, self: Command) => {
      await withContext(self, async (ctx, signal) => {
        const { runWorker } = await import('../../app/worker.ts'); // the engine loads for this command only
        await runWorker(ctx, {
          ...flags, onReady: (id) => process.stderr.write(`worker ${id} ready: ${flags.jobs} batch(es) at a time\n`),
        }, signal);
        return EXIT.ok;
      });
    });
}
