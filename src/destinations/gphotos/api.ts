/** @module Photos Library API calls on undici: OAuth refresh, raw uploads, batchCreate, albums; zod-parsed; quota counted per day. */
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { TransferError } from '../../core/transfer-error.ts';

export const KIND = 'gphotos';

const token = z.object({ access_token: z.string(), expires_in: z.number() }).loose();
const errorBody = z.object({ error: z.union([z.string(), z.object({ message: z.string().optional(), status: z.string().optional() }).loose()]) }).loose();

export interface GphotosHttp {
  json<T extends z.ZodType>(method: string, path: string, schema: T, body: unknown, signal: AbortSignal): Promise<z.output<T>>;
  uploadRaw(body: AsyncIterable<Buffer>, size: number, contentType: string, signal: AbortSignal): Promise<string>;
}

/** Midnight Pacific time, when Google resets per-day quotas (PST; a DST hour early is harmless). */
export const msToQuotaReset = (now: number): number => {
  const day = 24 * 3600_000;
  const pacific = now - 8 * 3600_000;
  return day - (pacific % day);
};

async function failure(res: Dispatcher.ResponseData, what: string, now: () => number): Promise<TransferError> {
  const text = await res.body.text().catch(() => '');
  let message = '';
  try {
    const parsed = errorBody.safeParse(JSON.parse(text));
    if (parsed.success) message = typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message ?? parsed.data.error.status ?? '';
  } catch { message = text.slice(0, 200); }
  const s = res.statusCode;
  const make = (kind: TransferError['kind'], text2: string, retryAfterMs?: number) =>
    new TransferError(kind, `${what}: ${text2}`, { connector: KIND, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  if (s === 429 && /per day|daily/i.test(message)) {
    const hours = (msToQuotaReset(now()) / 3600_000).toFixed(1);
    return make('quota-exceeded', `the daily Google Photos API quota of your project is used up (HTTP 429): run again after it resets (in about ${hours} h, midnight Pacific time); the copy resumes where it stopped`, msToQuotaReset(now()));
  }
  if (s === 429) return make('rate-limited', `too many requests (HTTP 429): ${message}`);
  if (s === 400 && /invalid_grant/.test(message + text)) {
    return make('auth-required', 'Google refused the refresh token (invalid_grant): it expired or was revoked (apps left in "Testing" get 7-day tokens); sign in again and store the new refreshToken');
  }
  if (s === 401) return make('auth-required', `Google refused the credentials (HTTP 401): ${message}`);
  if (s === 403) return make('permanent', `Google refused this (HTTP 403): ${message}; only albums and items this app created can be changed`);
  if (s >= 500) return make('transient', `Google server error (HTTP ${s})`);
  return make('permanent', `HTTP ${s}: ${message}`);
}

export function createGphotosHttp(o: { apiUrl: string; tokenUrl: string; clientId: string; clientSecret: string; refreshToken: string },
  spend: (signal: AbortSignal) => Promise<void>, now: () => number): GphotosHttp {
  const api = o.apiUrl.replace(/\/+$/, '');
  let access: { value: string; until: number } | undefined;
  const bearer = async (signal: AbortSignal) => {
    if (access && access.until > Date.now() + 60_000) return access.value;
    const res = await request(o.tokenUrl, {
      method: 'POST', signal, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: o.refreshToken, client_id: o.clientId, client_secret: o.clientSecret }).toString(),
    });
    if (res.statusCode !== 200) throw await failure(res, 'OAuth token', now);
    const t = token.parse(await res.body.json());
    access = { value: t.access_token, until: Date.now() + t.expires_in * 1000 };
    return access.value;
  };
  return {
    async json(method, path, schema, body, signal) {
      await spend(signal);
      const res = await request(`${api}${path}`, {
        method: method as Dispatcher.HttpMethod, signal,
        headers: { authorization: `Bearer ${await bearer(signal)}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (res.statusCode !== 200) throw await failure(res, `${method} ${path}`, now);
      const parsed = schema.safeParse(await res.body.json());
      if (!parsed.success) throw new TransferError('permanent', `${path}: unexpected answer from Google Photos`, { connector: KIND });
      return parsed.data;
    },
    async uploadRaw(body, size, contentType, signal) {
      await spend(signal);
      const res = await request(`${api}/v1/uploads`, {
        method: 'POST', signal, body: body as unknown as string,
        headers: {
          authorization: `Bearer ${await bearer(signal)}`, 'content-type': 'application/octet-stream', 'content-length': String(size),
          'x-goog-upload-content-type': contentType, 'x-goog-upload-protocol': 'raw',
        },
      });
      if (res.statusCode !== 200) throw await failure(res, 'upload', now);
      return res.body.text();
    },
  };
}
