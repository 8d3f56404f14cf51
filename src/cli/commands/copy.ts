/** @module `photoferry copy|sync|plan SRC DST`: thin edges over the copy use case. */
import type { Command } from 'commander';
import type { CopyResult } from '../../app/copy.ts';
import { RunGate, parseBandwidth } from '../../app/defaults.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import { addFidelityOptions, addFilterOptions, fidelityFrom, filtersFrom, type FidelityFlags, type FilterFlags } from '../options.ts';
import { countRows, formatBytes, formatDuration, runDisplay } from '../output.ts';
import { globalsOf, reportError, withContext } from '../runtime.ts';
import { cliInteraction } from '../interaction.ts';
import { UsageError } from '../../core/usage-error.ts';
import { printCostPlan } from './plan-cost.ts';

type CopyFlags = FilterFlags & FidelityFlags & { template?: string; concurrency?: number; delete?: boolean; code?: string; workers?: boolean; bwlimit?: number | null; cost?: boolean };

export function register(program: Command): void {
  for (const command of ['copy', 'sync', 'plan'] as const) {
    const cmd = program.command(command === 'plan' ? 'plan <source> [destination]' : `${command} <source> <destination>`)
      .description({
        copy: 'copy new and changed assets from source to destination (idempotent; never deletes)',
        sync: 'like copy; with --delete also removes from the destination what the source deleted',
        plan: 'dry run: what copy would send, with counts and bytes per year, type and album; nothing is written (--cost: what storage costs)',
      }[command]);
    addFidelityOptions(addFilterOptions(cmd)).option('--code <code>', 'two-factor code, when the source asks for one (else prompted)');
    if (command === 'sync') cmd.option('--delete', 'propagate deletions from the source to the destination');
    if (command !== 'plan') {
      cmd.option('--workers', 'queue the copies for `photoferry worker` processes (the default on a PostgreSQL catalog)')
        .option('--no-workers', 'copy in this process even on a PostgreSQL catalog')
        .option('--bwlimit <rate>', 'bandwidth limit for the whole run in bytes per second, e.g. 500K or 2M', parseBandwidth);
    }
    if (command === 'plan') cmd.option('--cost', 'the iCloud tier the library needs today and after freeing each year, and what keeping it elsewhere costs');
    cmd.action(async (source: string, destination: string | undefined, flags: CopyFlags, self: Command) => {
      await withContext(self, async (ctx, signal) => {
        const globals = globalsOf(self);
        if (flags.cost) return printCostPlan(ctx, source, { json: Boolean(globals.json), quiet: Boolean(globals.quiet), ...(flags.code ? { code: flags.code } : {}) }, signal);
        if (destination === undefined) throw new UsageError(`${command} needs a destination (or, for plan, --cost)`);
        const display = runDisplay({ json: Boolean(globals.json), quiet: Boolean(globals.quiet) });
        const { filters, policy } = await filtersFrom(flags);
        try {
          // The engine loads when a copy starts, not for `--help` or other commands.
          const [{ copyLibrary }, { summarizePlan }] = await Promise.all([import('../../app/copy.ts'), import('../../app/plan-report.ts')]);
          const result = await copyLibrary(ctx, {
            source, destination, command, filters, policy, events: display.sink, fidelity: fidelityFrom(flags),
            interaction: cliInteraction(flags.code),
            ...(flags.template ? { template: flags.template } : {}),
            ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
            ...(flags.delete ? { propagateDeletes: true } : {}),
            ...(flags.workers === undefined ? {} : { workers: flags.workers }),
            ...(flags.bwlimit ? { gate: new RunGate(flags.bwlimit) } : {}),
          }, signal);
          display.stop();
          if (command === 'plan') {
            const report = result.tally?.report(result.libraryFiles, result.libraries) ?? summarizePlan(result.plan, result.libraryFiles, result.libraries);
            if (globals.json) process.stdout.write(`${JSON.stringify({ type: 'plan', ...report })}\n`);
            else if (!globals.quiet) process.stdout.write(report.text);
            return EXIT.ok;
          }
          return finish(result, Boolean(globals.json), Boolean(globals.quiet));
        } finally {
          display.stop();
        }
      });
    });
  }
}

function finish(result: CopyResult, json: boolean, quiet: boolean): number {
  const s = result.summary!;
  if (!json && !quiet) {
    const rate = s.durationMs > 0 ? ` (${formatBytes((s.bytes * 1000) / s.durationMs)}/s)` : '';
    const lines = s.files.copied === 0 && s.files.failed === 0 && s.files.removed === 0 && (s.counts?.derived.files ?? 0) === 0
      ? [`Nothing to copy: ${s.files.present} original files already at the destination, 0 bytes transferred.`]
      : [`Copied ${s.files.copied} original files, ${formatBytes(s.bytes)} written in ${formatDuration(s.durationMs)}${rate}:`, ...(s.counts ? countRows(s.counts) : [])];
    lines.push(`Run ${result.runId}: ${s.files.copied} copied, ${s.files.present} already present, ${s.files.removed} removed, ` +
      `${s.files.filtered} assets filtered out, ${s.files.failed} failed — ${s.status}.`);
    if (s.files.failed > 0) lines.push(`See the failures with: photoferry runs show ${result.runId}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (result.fatal) {
    reportError(result.fatal, { json });
    return exitCodeOf(result.fatal);
  }
  return s.files.failed > 0 ? EXIT.someFailed : EXIT.ok;
}
