/** @module Minimal Immich HTTP client on undici: x-api-key, JSON parsed with zod, typed status errors, streamed uploads. */
import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { errorBody } from './schemas.ts';
import type { MultipartBody } from './multipart.ts';

/** A response outside the expected statuses; errors.ts turns it into a TransferError. */
export class ImmichHttpError extends Error {
  override readonly name = 'ImmichHttpError';
  constructor(
    readonly method: string, readonly path: string, readonly status: number, readonly serverMessage: string,
    readonly contentType: string, readonly retryAfterMs?: number,
  ) {
    super(`${method} ${path} → HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}`);
  }
}

/** A 2xx answer that is not the JSON Immich sends (an HTML page, another service). */
export class NotImmichError extends Error {
  override readonly name = 'NotImmichError';
  constructor(readonly path: string, readonly detail: string) { super(`${path}: ${detail}`); }
}

export interface ImmichClient {
  json<T extends z.ZodType>(method: string, path: string, schema: T, body: unknown, signal: AbortSignal): Promise<z.output<T>>;
  upload<T extends z.ZodType>(path: string, form: MultipartBody, headers: Record<string, string>, schema: T, signal: AbortSignal): Promise<{ status: number; body: z.output<T> }>;
  close(): Promise<void>;
}

async function readError(method: string, path: string, res: Dispatcher.ResponseData): Promise<ImmichHttpError> {
  const type = String(res.headers['content-type'] ?? '');
  const text = await res.body.text().catch(() => '');
  let message = '';
  if (type.includes('json')) {
    const parsed = errorBody.safeParse(JSON.parse(text || '{}'));
    if (parsed.success && parsed.data.message) message = [parsed.data.message].flat().join('; ');
  }
  const retryAfter = Number(res.headers['retry-after']);
  return new ImmichHttpError(method, path, res.statusCode, message, type, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
}

async function parseJson<T extends z.ZodType>(path: string, res: Dispatcher.ResponseData, schema: T): Promise<z.output<T>> {
  const type = String(res.headers['content-type'] ?? '');
  const text = await res.body.text();
  if (!type.includes('json')) throw new NotImmichError(path, `answered ${type || 'without a content type'}, not JSON`);
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { throw new NotImmichError(path, 'answered with invalid JSON'); }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new NotImmichError(path, `answered JSON of an unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

export function createImmichClient(o: { url: string; apiKey: string; connections: number }): ImmichClient {
  const base = o.url.replace(/\/+$/, '').replace(/\/api$/, '');
  const dispatcher = new Agent({ connections: o.connections, keepAliveTimeout: 10_000 });
  const send = (method: string, path: string, signal: AbortSignal, extra: { headers?: Record<string, string>; body?: string | AsyncIterable<Buffer> }) =>
    request(`${base}/api${path}`, {
      method: method as Dispatcher.HttpMethod, dispatcher, signal,
      headers: { 'x-api-key': o.apiKey, accept: 'application/json', ...extra.headers },
      ...(extra.body !== undefined ? { body: extra.body as string } : {}),
    });
  return {
    async json(method, path, schema, body, signal) {
      const res = await send(method, path, signal, body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.statusCode < 200 || res.statusCode >= 300) throw await readError(method, path, res);
      return parseJson(path, res, schema);
    },
    async upload(path, form, headers, schema, signal) {
      const res = await send('POST', path, signal, {
        headers: { 'content-type': form.contentType, 'content-length': String(form.length), ...headers }, body: form.stream,
      });
      if (res.statusCode !== 200 && res.statusCode !== 201) throw await readError('POST', path, res);
      return { status: res.statusCode, body: await parseJson(path, res, schema) };
    },
    close: () => dispatcher.close(),
  };
}
