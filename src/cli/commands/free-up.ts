/** @module `photoferry free-up SOURCE [--execute]` and `free-up --undo RUN`: thin edge over the free-up use cases. */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { FreeUpResult } from '../../app/free-up/index.ts';
import { UsageError } from '../../core/usage-error.ts';
import { EXIT } from '../exit-codes.ts';
import { formatBytes } from '../output.ts';
import { globalsOf, reportError, withContext } from '../runtime.ts';
import { cliInteraction } from '../interaction.ts';
import { collect } from '../options.ts';

interface FreeUpFlags {
  olderThan?: string; before?: string; album?: string[]; type?: string[]; require?: string[]; keepFavorites: boolean; keepAlbums?: boolean;
  execute?: boolean; yesIHaveVerifiedBackups?: boolean; batchSize?: number; batchPause?: number; undo?: string; code?: string;
}

async function askAppleId(appleId: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
  try {
    const typed = await rl.question(`This moves every verified asset to Recently Deleted in iCloud (recoverable for 30 days, or with --undo).\nType the Apple ID (${appleId}) to go ahead: `);
    return typed.trim().toLowerCase() === appleId.toLowerCase();
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

export function register(program: Command): void {
  program.command('free-up [source]')
    .description('free iCloud space: move to Recently Deleted only assets whose every file re-verified by SHA-256 on your destinations (dry run unless --execute)')
    .option('--older-than <age>', 'only assets taken more than this long ago: 2y, 18m, 6w, 30d')
    .option('--before <date>', 'only assets taken before this date (YYYY-MM-DD)')
    .option('--album <name>', 'only assets in this album (repeatable)', collect)
    .option('--type <types>', 'only these media types: photo, video, live, raw, screenshot', collect)
    .option('--require <destinations>', 'destinations every copy must verify on (comma-separated; default: every destination holding the asset)', collect)
    .option('--no-keep-favorites', 'also remove favorites (kept by default)')
    .option('--keep-albums', 'keep every asset that is in an album')
    .option('--execute', 'act: move the verified assets to Recently Deleted (asks you to type the Apple ID)')
    .option('--yes-i-have-verified-backups', 'with --execute: skip typing the Apple ID (for scripts)')
    .option('--batch-size <n>', 'assets per request to Apple (default 25)', (v) => Number(v))
    .option('--batch-pause <ms>', 'pause between requests (default 2000; Apple throttles delete bursts)', (v) => Number(v))
    .option('--undo <run>', 'bring back from Recently Deleted everything that run removed')
    .option('--code <code>', 'two-factor code, when iCloud asks for one')
    .action(async (source: string | undefined, flags: FreeUpFlags, self: Command) => {
      await withContext(self, async (ctx, signal) => {
        // the use case (and the engine it verifies copies with) loads for this command, not for `--help`
        const { freeUp, undoFreeUp, criteriaFrom, summaryText } = await import('../../app/free-up/index.ts');
        const globals = globalsOf(self);
        const json = Boolean(globals.json);
        const events = json ? (e: object) => process.stdout.write(`${JSON.stringify(e)}\n`) : undefined;
        if (flags.undo !== undefined) {
          const r = await undoFreeUp(ctx, flags.undo, { ...(events ? { events } : {}), ...(flags.batchSize ? { batchSize: flags.batchSize } : {}), interaction: cliInteraction(flags.code) }, signal);
          if (!json && !globals.quiet) {
            process.stdout.write(`Recovered ${r.recovered} assets of run ${r.runId} from Recently Deleted.\n`);
            for (const f of r.failed) process.stdout.write(`  not recovered: ${f.asset}: ${f.reason}\n`);
            for (const n of r.notices) process.stdout.write(`  note: ${n}\n`);
          }
          return r.failed.length === 0 ? EXIT.ok : EXIT.someFailed;
        }
        if (source === undefined) throw new UsageError('name the iCloud library to free up, e.g. photoferry free-up icloud:you@example.com (or --undo RUN)');
        if (flags.yesIHaveVerifiedBackups && !flags.execute) throw new UsageError('--yes-i-have-verified-backups only makes sense with --execute');
        const result = await freeUp(ctx, {
          source, criteria: criteriaFrom(flags, new Date()), execute: Boolean(flags.execute),
          ...(flags.require ? { require: flags.require } : {}),
          ...(flags.execute && !flags.yesIHaveVerifiedBackups ? { confirm: askAppleId } : {}),
          ...(flags.batchSize ? { batchSize: flags.batchSize } : {}),
          ...(flags.batchPause !== undefined ? { batchPauseMs: flags.batchPause } : {}),
          ...(events ? { events } : {}), interaction: cliInteraction(flags.code),
        }, signal);
        return finish(result, summaryText, Boolean(flags.execute), json, Boolean(globals.quiet));
      });
    });
}

function finish(r: FreeUpResult, summaryText: (s: FreeUpResult['summary'], executed: boolean) => string, execute: boolean, json: boolean, quiet: boolean): number {
  if (execute && !r.executed) {
    process.stderr.write('photoferry: nothing was deleted: the Apple ID typed did not match.\n');
    return EXIT.usage;
  }
  if (!json && !quiet) {
    process.stdout.write(summaryText(r.summary, r.executed));
    if (r.executed) {
      process.stdout.write(`Run ${r.runId}: ${r.deleted.assets} assets (${formatBytes(r.deleted.bytes)}) in Recently Deleted; ${r.failed.length} refused by iCloud. Undo within 30 days: photoferry free-up --undo ${r.runId}\n`);
      for (const f of r.failed) process.stdout.write(`  refused: ${f.asset}: ${f.reason}\n`);
    } else {
      process.stdout.write('Dry run: nothing was changed. Add --execute to move these assets to Recently Deleted.\n');
    }
  }
  if (r.stopped !== undefined) {
    reportError(r.stopped, { json });
    return EXIT.someFailed;
  }
  return r.failed.length > 0 ? EXIT.someFailed : EXIT.ok;
}
