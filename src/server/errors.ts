/** @module The one place where errors become HTTP statuses and `{ error: { code, message, problems? } }` bodies. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { UsageError } from '../core/usage-error.ts';
import { isTransferError, type TransferErrorKind } from '../core/transfer-error.ts';
import { ConflictError, NotFoundError } from '../app/tasks.ts';

/** Errors the HTTP layer raises itself (no session, bad CSRF token, login slowed down). */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

// auth-required is 409, not 401: 401 is kept for the dashboard's own session, so the SPA never logs out because of iCloud.
const BY_KIND: Record<TransferErrorKind, number> = {
  'invalid-input': 400, 'not-found': 404, 'auth-required': 409, conflict: 409, cancelled: 409, 'rate-limited': 429,
  transient: 502, permanent: 502, corrupted: 502, unsupported: 502, 'quota-exceeded': 507,
};

export interface ErrorBody { error: { code: string; message: string; problems?: readonly string[] } }

export function toHttp(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, body: { error: { code: err.code, message: err.message } }, headers: err.headers };
  if (err instanceof UsageError) {
    const message = err.problems.length > 0 ? err.message.split('\n')[0]! : err.message;
    return { status: 400, body: { error: { code: 'invalid-input', message, ...(err.problems.length > 0 ? { problems: err.problems } : {}) } }, headers: {} };
  }
  if (err instanceof NotFoundError) return { status: 404, body: { error: { code: 'not-found', message: err.message } }, headers: {} };
  if (err instanceof ConflictError) return { status: 409, body: { error: { code: 'conflict', message: err.message } }, headers: {} };
  if (isTransferError(err)) {
    const headers: Record<string, string> = err.retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) };
    return { status: BY_KIND[err.kind], body: { error: { code: err.kind, message: err.message } }, headers };
  }
  const fe = err as Partial<FastifyError>;
  // Fastify's own client errors (bad JSON, body too large, unsupported media type) keep their 4xx status.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { error: { code: 'invalid-input', message: fe.message ?? 'bad request' } }, headers: {} };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal error: see the server log.' } }, headers: {} };
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, headers } = toHttp(err);
  if (status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ status, code: body.error.code }, 'request refused');
  void reply.code(status).headers(headers).send(body);
}
