/** @module `/healthz` (no auth) and `/metrics` (Prometheus text; a session cookie or the --metrics-token bearer). */
import type { FastifyInstance } from 'fastify';
import { serverMetrics } from '../../app/library-stats.ts';
import { HttpError } from '../errors.ts';
import { SESSION_COOKIE, sameToken } from '../security.ts';
import type { ServerServices } from '../services.ts';
import { PUBLIC } from '../access.ts';

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function family(name: string, type: 'counter' | 'gauge', help: string, samples: [Record<string, string>, number][]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
    lines.push(`${name}${l ? `{${l}}` : ''} ${value}`);
  }
  return lines.join('\n');
}

const byLabel = (label: string, map: Record<string, number>): [Record<string, string>, number][] =>
  Object.entries(map).map(([k, v]) => [{ [label]: k }, v]);

export function register(app: FastifyInstance, s: ServerServices, version: string): void {
  const started = Date.now();
  app.get('/healthz', PUBLIC, async () => ({ ok: true, version, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));

  // Public at the route: it takes a session cookie or the metrics bearer token, checked here.
  app.get('/metrics', PUBLIC, async (request, reply) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const allowed = (await s.sessions.lookup(request.cookies[SESSION_COOKIE])) !== undefined || (s.metricsToken !== undefined && sameToken(bearer, s.metricsToken));
    if (!allowed) throw new HttpError(401, 'unauthenticated', 'Log in, or send Authorization: Bearer <metrics token>.');
    const m = await serverMetrics(s.ctx);
    const running = s.runner.running();
    let backoff = 0;
    let throttles = 0;
    for (const live of running) {
      const pace = live.snapshot().pace;
      if (pace !== undefined) { backoff = Math.max(backoff, pace.backoffSeconds); throttles += pace.throttles; }
    }
    const text = [
      family('photoferry_runs_total', 'counter', 'Runs recorded in the catalog, by status', byLabel('status', m.runsByStatus)),
      family('photoferry_runs_active', 'gauge', 'Runs in progress in this server', [[{}, running.length]]),
      family('photoferry_bytes_transferred_total', 'counter', 'Bytes copied and verified', [[{}, m.bytes]]),
      family('photoferry_files_total', 'counter', 'Files by outcome', byLabel('outcome', m.filesByOutcome)),
      family('photoferry_assets_total', 'gauge', 'Assets in the catalog, by source', byLabel('source', m.assetsBySource)),
      family('photoferry_errors_total', 'counter', 'Failed files and stopped runs, by error kind', byLabel('kind', m.errorsByKind)),
      family('photoferry_apple_backoff_seconds', 'gauge', 'Seconds until Apple throttling lets requests start again', [[{}, backoff]]),
      family('photoferry_apple_throttles_total', 'counter', 'Throttle answers from Apple seen by running runs', [[{}, throttles]]),
    ].join('\n');
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${text}\n`);
  });
}
