/** @module `photoferry verify DST [--deep]`: re-stat (or re-hash) what the catalog says is there. */
import type { Command } from 'commander';
import { verifyDestination, type FidelityBucket, type VerifyReport } from '../../app/verify.ts';
import { countRows, formatBytes } from '../output.ts';
import { EXIT } from '../exit-codes.ts';
import { globalsOf, withContext } from '../runtime.ts';

export function register(program: Command): void {
  program.command('verify <destination>')
    .description('check that every file the catalog recorded is at the destination with its size (and --deep: its SHA-256)')
    .option('--deep', 're-read every file and compare its SHA-256')
    .action(async (destination: string, flags: { deep?: boolean }, self: Command) => {
      await withContext(self, async (ctx, signal) => {
        const globals = globalsOf(self);
        const report = await verifyDestination(ctx, destination, { deep: Boolean(flags.deep) }, signal);
        if (globals.json) process.stdout.write(`${JSON.stringify({ type: 'verify', ...report })}\n`);
        else if (!globals.quiet || report.problems.length > 0) {
          for (const p of report.problems) process.stdout.write(`${p.problem}: ${p.path} (${p.detail})\n`);
          if (report.deep) process.stdout.write(fidelityTable(report));
          const how = report.deep ? 'size and SHA-256' : 'presence and size';
          const files = report.counts.originals.files + report.counts.derived.files;
          process.stdout.write(`Checked ${files} files (${how}) at ${report.destinationId}: ` +
            `${report.problems.length === 0 ? 'all good' : `${report.problems.length} problem(s)`}.\n${countRows(report.counts).join('\n')}\n`);
        }
        return report.problems.length === 0 ? EXIT.ok : EXIT.someFailed;
      });
    });
}

/** The --deep fidelity report: per year, then per album. */
function fidelityTable(report: VerifyReport): string {
  const rows = (title: string, map: Record<string, FidelityBucket>) => [
    `${title.padEnd(32)} ${'files'.padStart(7)} ${'bytes'.padStart(10)} ${'missing'.padStart(8)} ${'mismatched'.padStart(11)}`,
    ...Object.entries(map).sort(([a], [b]) => a.localeCompare(b)).map(([k, b]) =>
      `  ${k.padEnd(30)} ${String(b.files).padStart(7)} ${formatBytes(b.bytes).padStart(10)} ${String(b.missing).padStart(8)} ${String(b.mismatched).padStart(11)}`),
  ];
  return `${[...rows('By year', report.byYear), ...rows('By album', report.byAlbum)].join('\n')}\n`;
}
