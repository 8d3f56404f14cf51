/** @module `photoferry sample DIR`: writes a deterministic sample photo library to try photoferry on. */
import type { Command } from 'commander';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import { formatBytes, formatDuration } from '../output.ts';
import { globalsOf, reportError } from '../runtime.ts';

const count = (v: string) => Number(v);

export function register(program: Command): void {
  program.command('sample <dir>')
    .description('write a sample library of real photos, Live Photos, RAW pairs and videos (deterministic per --seed)')
    .option('--size <size>', 'small (~13 MB) or bench (~3.9 GB)', 'small')
    .option('--photos <n>', 'number of stand-alone photos', count)
    .option('--videos <n>', 'number of videos', count)
    .option('--seed <seed>', 'same seed, same bytes', '1')
    .action(async (dir: string, flags: { size: string; photos?: number; videos?: number; seed: string }, self: Command) => {
      const globals = globalsOf(self);
      try {
        const { createSampleLibrary } = await import('../../app/sample.ts');
        const r = await createSampleLibrary({ dir, ...flags });
        if (globals.json) process.stdout.write(`${JSON.stringify({ type: 'sample', ...r })}\n`);
        else if (!globals.quiet) {
          process.stdout.write(`Wrote ${r.assetCount} assets (${r.files} files, ${formatBytes(r.bytes)}) to ${r.dir} in ${formatDuration(r.durationMs)}.\n`);
        }
        process.exitCode = EXIT.ok;
      } catch (err) {
        reportError(err, globals);
        process.exitCode = exitCodeOf(err);
      }
    });
}
