/** @module fetch wrapper: JSON in and out, the CSRF header on mutating calls, errors as ApiError with the server's message. */

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) { super(message); }
  /** The server's closed error code (`auth-required`, `conflict`, …) when it sent one. */
  get code(): string | undefined {
    const e = (this.body as { error?: { code?: unknown } } | undefined)?.error;
    return typeof e?.code === 'string' ? e.code : undefined;
  }
}

let csrfToken: string | undefined;
/** The token lives in memory only (the cookie is HttpOnly); GET /api/session hands it out again after a reload. */
export function setCsrfToken(token: string | undefined): void { csrfToken = token; }

/** Called when any call answers 401, so the app can fall back to the login page. */
let onUnauthorized: () => void = () => {};
export function handleUnauthorized(fn: () => void): void { onUnauthorized = fn; }

function messageOf(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    // docs/api.md: every error is { error: { code, message, problems? } }.
    const e = (body as { error?: { message?: unknown; problems?: unknown } }).error;
    if (e && typeof e.message === 'string') {
      const problems = Array.isArray(e.problems) ? e.problems.filter((p): p is string => typeof p === 'string') : [];
      return problems.length > 0 ? `${e.message} ${problems.join('; ')}` : e.message;
    }
  }
  if (typeof body === 'string' && body.length > 0 && body.length < 300) return body;
  return `HTTP ${status}`;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text === '' ? undefined : JSON.parse(text); } catch { /* plain-text error pages stay text */ }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/login')) onUnauthorized();
    throw new ApiError(res.status, messageOf(res.status, parsed), parsed);
  }
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

export const enc = encodeURIComponent;
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
