/** @module Security headers on every response: a CSP without inline script, no framing, no sniffing, no referrer, no caching of the API. */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The dashboard is one bundled script and one stylesheet from this origin; nothing inline, nothing from elsewhere. */
export const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Files of the built dashboard (the static plugin's routes) may be cached; everything else is an answer about now. */
const isStaticFile = (request: FastifyRequest) => (request.routeOptions.config as { file?: unknown }).file !== undefined;

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.headers(SECURITY_HEADERS);
    if (!isStaticFile(request)) void reply.header('cache-control', 'no-store');
    return payload;
  });
}
