/** @module `photoferry serve`: bind checks (loopback unless TLS or --insecure), vault unlock, the setup token, then the server until a signal. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { openContext } from '../app/context.ts';
import { openVault } from '../app/secrets.ts';
import { readConfigFile } from '../config/config-file.ts';
import { expandPath } from '../config/paths.ts';
import { adminAccount } from '../app/admin-auth.ts';
import { UsageError } from '../core/usage-error.ts';
import { buildServer, REDACT_PATHS } from './server.ts';
import { isLoopback } from './hosts.ts';

export interface ServeOptions {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly insecure?: boolean | undefined;
  readonly metricsToken?: string | undefined;
  readonly webRoot?: string | undefined;
  readonly config?: string | undefined;
  readonly catalog?: string | undefined;
  readonly vault?: string | undefined;
  readonly logLevel?: string | undefined;
  /** Forget the admin password and every session, then exit: the next start asks for setup again. */
  readonly resetAdmin?: boolean | undefined;
  /** Where the one-time setup token is printed (the console by default). */
  readonly console?: (line: string) => void;
}

export const DEFAULT_PORT = 8642;

export { isLoopback };

/** Exposing the dashboard beyond this machine sends the password and cookie over the network: TLS, or an explicit "I know". */
export function checkBind(o: Pick<ServeOptions, 'host' | 'tlsCert' | 'tlsKey' | 'insecure'>): void {
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together: give both or neither.');
  const host = o.host ?? '127.0.0.1';
  if (isLoopback(host) || o.tlsCert !== undefined || o.insecure === true) return;
  throw new UsageError(`Refusing to listen on ${host} without TLS: the dashboard password and session cookie would cross the network in clear text. ` +
    'Give --tls-cert FILE --tls-key FILE, put a TLS reverse proxy in front and bind to 127.0.0.1, or pass --insecure if this network is trusted.');
}

/** Runs until `signal` aborts; resolves once the server has closed (running runs are cancelled and recorded). */
export async function serve(o: ServeOptions, signal: AbortSignal): Promise<void> {
  const flags = { config: o.config, catalog: o.catalog, vault: o.vault };
  const probe = await openContext({ env: process.env, flags });
  const fileServer = readConfigFile(probe.config.configPath).server ?? {};
  await probe.close();
  const merged = { ...o, host: o.host ?? fileServer.host, tlsCert: o.tlsCert ?? fileServer.tlsCert, tlsKey: o.tlsKey ?? fileServer.tlsKey };
  checkBind(merged);
  const log = pino({ level: o.logLevel ?? 'info', redact: { paths: REDACT_PATHS, censor: '***' } });
  const ctx = await openContext({ env: process.env, flags, log, openSecrets: (config) => openVault(config, false) });
  try {
    // The server cannot prompt: a vault that exists must open now with PHOTOFERRY_PASSPHRASE, not fail in the middle of a run.
    await (await ctx.secrets() as unknown as { unlock(): Promise<void> }).unlock();
  } catch (err) {
    await ctx.close();
    throw new UsageError(`Cannot open the vault ${ctx.config.vault}: ${err instanceof Error ? err.message : String(err)} (set PHOTOFERRY_PASSPHRASE).`);
  }
  const file = readConfigFile(ctx.config.configPath);
  const admin = adminAccount(ctx.catalog);
  if (o.resetAdmin === true) {
    await admin.reset();
    await ctx.close();
    (o.console ?? console.error)('The admin password and every dashboard session are gone: start `photoferry serve` and set a new password with the setup token it prints.');
    return;
  }
  // Whoever reaches the page first would own the server: setup needs a token only the console (the host's owner) sees.
  const setupToken = (await admin.setupNeeded()) ? randomBytes(18).toString('base64url') : undefined;
  const metricsToken = o.metricsToken ?? process.env['PHOTOFERRY_METRICS_TOKEN'];
  const { app } = await buildServer({
    ctx, version: '0.1.0', logLevel: o.logLevel ?? 'info',
    ...(merged.tlsCert && merged.tlsKey ? { https: { cert: readFileSync(merged.tlsCert), key: readFileSync(merged.tlsKey) } } : {}),
    ...(metricsToken ? { metricsToken } : {}), ...(o.webRoot ? { webRoot: o.webRoot } : {}),
    ...(file.notifications ? { notifications: file.notifications } : {}),
    ...(setupToken ? { setupToken } : {}),
    publicNames: fileServer.publicNames ?? [],
    ...(fileServer.allowedRoots ? { allowedRoots: fileServer.allowedRoots.map((r) => expandPath(r, process.env, dirname(ctx.config.configPath))) } : {}),
    ...(fileServer.trustProxy !== undefined ? { trustProxy: fileServer.trustProxy } : {}),
  });
  try {
    if (setupToken) (o.console ?? console.error)(`First start: open the dashboard and enter this one-time setup token with the new admin password: ${setupToken}`);
    await app.listen({ host: merged.host ?? '127.0.0.1', port: o.port ?? fileServer.port ?? DEFAULT_PORT });
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await app.close();
    await ctx.close();
  }
}
