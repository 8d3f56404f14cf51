/** @module What every command gets: the app context from global flags, an abort signal on Ctrl-C, error → exit code. */
import type { Command } from 'commander';
import type { AppContext } from '../app/context.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { envValue } from '../config/paths.ts';

export interface GlobalFlags {
  config?: string;
  catalog?: string;
  vault?: string;
  json?: boolean;
  quiet?: boolean;
  logLevel?: string;
}

export const globalsOf = (cmd: Command): GlobalFlags => cmd.optsWithGlobals<GlobalFlags>();

/** Runs a command body with a context and a signal; maps failures to a message on stderr and an exit code. */
export async function withContext(cmd: Command, body: (ctx: AppContext, signal: AbortSignal) => Promise<number>): Promise<void> {
  const flags = globalsOf(cmd);
  const controller = new AbortController();
  const onSignal = () => {
    controller.abort(new Error('interrupted'));
    // Ctrl-C ends any command within 2 s: work that does not heed the signal in time is cut off here. Files are
    // written under a temporary name and renamed only when complete, so what is cut off leaves no visible half file.
    setTimeout(() => {
      process.stderr.write('photoferry: cancelled\n');
      process.exit(EXIT.cancelled);
    }, 1_500).unref();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ctx: AppContext | undefined;
  try {
    // Loaded here, not at start-up: `--help` and commands without a context never pay for the catalog and vault.
    const [{ openContext }, { openVault }] = await Promise.all([import('../app/context.ts'), import('../app/secrets.ts')]);
    ctx = await openContext({
      env: process.env,
      flags: { config: flags.config, catalog: flags.catalog, vault: flags.vault },
      openSecrets: (config) => openVault(config, Boolean(process.stdin.isTTY)),
      ...(envValue(process.env, 'PHOTOFERRY_PASSPHRASE') !== undefined ? { unlockEarlyFor: cmd.args } : {}),
    });
    process.exitCode = await body(ctx, controller.signal);
    if (controller.signal.aborted) process.exitCode = EXIT.cancelled;
  } catch (err) {
    reportError(err, flags);
    process.exitCode = controller.signal.aborted ? EXIT.cancelled : exitCodeOf(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx?.close();
  }
}

export function reportError(err: unknown, flags: GlobalFlags): void {
  const message = err instanceof Error ? err.message : String(err);
  if (flags.json) {
    const kind = (err as { kind?: string }).kind ?? (err as Error).name;
    process.stdout.write(`${JSON.stringify({ type: 'error', kind, message })}\n`);
  }
  process.stderr.write(`photoferry: ${message}\n`);
  if (process.env.PHOTOFERRY_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
}
