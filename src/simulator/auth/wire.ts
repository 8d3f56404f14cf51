/** @module Small HTTP helpers for the simulated Apple endpoints: cookies, idmsa header rotation, replies. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimRequest } from '../types.ts';

/** Cookie header → map; Apple's values are quoted and are returned without the quotes. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/**
 * A Set-Cookie line shaped like setup.icloud.com's (quoted value, Path=/, HttpOnly), without Domain or
 * Secure: the simulator is plain HTTP on one loopback host, so host-only cookies reach every route.
 */
export function setCookie(name: string, value: string, expires?: number, httpOnly = true): string {
  const exp = expires === undefined ? '' : `;Expires=${new Date(expires).toUTCString().replace(/ (\d\d) (\w{3}) (\d{4})/, ' $1-$2-$3')}`;
  return `${name}="${value}"${exp};Path=/${httpOnly ? ';HttpOnly' : ''}`;
}

export const header = (request: SimRequest, name: string): string | undefined => {
  const v = request.req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

export const newScnt = () => randomBytes(24).toString('base64url');
export const newSessionId = () => randomBytes(24).toString('hex').toUpperCase();

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly cookies?: readonly string[];
  /** Object → JSON; string → text; undefined → empty body. */
  readonly body?: unknown;
  readonly contentType?: string;
}

/** Headers every idmsa answer carries in the recordings. */
const IDMSA_HEADERS = { 'X-Apple-I-Request-ID': '', 'X-BuildVersion': 'R4_1', 'X-FRAME-OPTIONS': 'DENY', Pragma: 'no-cache' };

export function send(request: SimRequest, reply: Reply, idmsa = false): true {
  const { res } = request;
  const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const contentType = reply.contentType ?? (typeof reply.body === 'string' ? 'text/html;charset=UTF-8' : 'application/json;charset=UTF-8');
  const headers: Record<string, string> = idmsa ? { ...IDMSA_HEADERS, 'X-Apple-I-Request-ID': randomUUID() } : { 'X-Apple-Request-UUID': randomUUID() };
  Object.assign(headers, reply.headers);
  if (reply.status !== 204) headers['Content-Type'] = contentType;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (reply.cookies !== undefined && reply.cookies.length > 0) res.setHeader('Set-Cookie', [...reply.cookies]);
  res.statusCode = reply.status;
  res.end(reply.status === 204 ? undefined : text);
  return true;
}

export const UNAVAILABLE = 'Service Temporary Unavailable';

/** idmsa's error envelope; signin uses `serviceErrors`, the verify endpoints `service_errors` + `hasError`. */
export const serviceErrors = (code: string, message: string, title?: string) =>
  ({ serviceErrors: [{ code, message, suppressDismissal: false, ...(title === undefined ? {} : { title }) }] });
export const verifyErrors = (code: string, title: string, message: string) =>
  ({ service_errors: [{ code, title, message, suppressDismissal: false }], hasError: true });
