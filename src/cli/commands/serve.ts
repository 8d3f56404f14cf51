/** @module `photoferry serve`: the API and dashboard (see docs/api.md, docs/deploy.md). */
import type { Command } from 'commander';
import { serve } from '../../server/start.ts';
import { exitCodeOf } from '../exit-codes.ts';
import { globalsOf, reportError } from '../runtime.ts';

interface ServeFlags { host?: string; port?: number; tlsCert?: string; tlsKey?: string; insecure?: boolean; metricsToken?: string; webRoot?: string; logLevel?: string; resetAdmin?: boolean }

/** SIGTERM stops the server within this, even if something (a hung mount) will not let go. */
const HARD_STOP_MS = 9000;

export function register(program: Command): void {
  program.command('serve')
    .description('run the web dashboard and API (127.0.0.1:8642 by default); schedules run while it is up. Needs PHOTOFERRY_PASSPHRASE when a vault exists')
    .option('--host <host>', 'address to listen on; anything but loopback needs --tls-cert/--tls-key or --insecure')
    .option('--port <port>', 'port (default 8642)', (v) => Number(v))
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--insecure', 'allow a non-loopback --host without TLS (only on a network you trust)')
    .option('--metrics-token <token>', 'bearer token for /metrics without a login (or PHOTOFERRY_METRICS_TOKEN)')
    .option('--web-root <dir>', 'dashboard files (default web/dist)')
    .option('--log-level <level>', 'trace, debug, info, warn, error', 'info')
    .option('--reset-admin', 'forget the dashboard admin password and log out every session, then exit (the next start prints a new setup token)')
    .action(async (flags: ServeFlags, self: Command) => {
      const globals = globalsOf(self);
      const controller = new AbortController();
      const stop = () => {
        controller.abort();
        setTimeout(() => {
          process.stderr.write('photoferry serve: shutdown took too long, exiting anyway\n');
          process.exit(process.exitCode ?? 0);
        }, HARD_STOP_MS).unref();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await serve({ ...flags, config: globals.config, catalog: globals.catalog, vault: globals.vault }, controller.signal);
      } catch (err) {
        reportError(err, globals);
        process.exitCode = exitCodeOf(err);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
