/** @module `photoferry runs` and `photoferry runs show ID`: run history and summaries. */
import type { Command } from 'commander';
import type { RunRecord } from '../../app/runs.ts';
import { EXIT } from '../exit-codes.ts';
import { countRows, formatBytes, formatDuration } from '../output.ts';
import { globalsOf, withContext } from '../runtime.ts';

const line = (r: RunRecord) => {
  const s = r.summary;
  const written = s?.counts
    ? `${s.counts.originals.files} original files copied (${formatBytes(s.counts.originals.bytes ?? 0)}) + ${s.counts.derived.files} derived (${formatBytes(s.counts.derived.bytes ?? 0)})`
    : `${s?.files.copied ?? 0} copied, ${formatBytes(s?.bytes ?? 0)}`;
  const stats = s ? `${written}, ${s.files.present} present, ${s.files.failed} failed, ${formatDuration(s.durationMs)}` : 'unfinished';
  const reason = s?.reason ? `\n    reason: ${s.reason}` : '';
  return `${r.id}  ${r.startedAt.toISOString().slice(0, 19).replace('T', ' ')}  ${r.command.padEnd(4)}  ${r.status.padEnd(9)}  ${r.sourceId} → ${r.destinationId}  (${stats})${reason}`;
};

export function register(program: Command): void {
  const runs = program.command('runs').description('history of runs and their summaries')
    .option('-n, --limit <n>', 'how many runs', (v) => Number(v), 20)
    .action(async (flags: { limit: number }, self: Command) => {
      await withContext(self, async (ctx) => {
        const { listRuns } = await import('../../app/runs.ts');
        const list = await listRuns(ctx, flags.limit);
        if (globalsOf(self).json) process.stdout.write(`${JSON.stringify({ type: 'runs', runs: list })}\n`);
        else process.stdout.write(list.length === 0 ? 'No runs yet.\n' : `${list.map(line).join('\n')}\n`);
        return EXIT.ok;
      });
    });
  runs.command('show <id>').description('one run: summary and every failure with its reason')
    .action(async (id: string, _flags: unknown, self: Command) => {
      await withContext(self, async (ctx) => {
        const { showRun } = await import('../../app/runs.ts');
        const { run, failures } = await showRun(ctx, id);
        if (globalsOf(self).json) process.stdout.write(`${JSON.stringify({ type: 'run', run, failures })}\n`);
        else {
          process.stdout.write(`${line(run)}\n`);
          if (run.summary?.counts) process.stdout.write(`Wrote:\n${countRows(run.summary.counts).join('\n')}\n`);
          for (const f of failures) process.stdout.write(`  failed: ${f.path ?? f.assetId} [${f.errorKind ?? 'error'}] ${f.message ?? ''}\n`);
        }
        return EXIT.ok;
      });
    });
}
