/** @module CloudKit wire client for com.apple.photos.cloud: URLs and headers, pacing, throttle/expiry retries, zod-checked answers. */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { IcloudSession } from '../session.ts';
import { AppleHttpError, IcloudError, fromAppleResponse, icloudErrors, retryAfterMs, toTransferError } from '../errors.ts';
import type { Pacer } from '../pacer.ts';
import { errorEnvelopeSchema } from './records.ts';

export type Database = 'private' | 'shared';

export interface CloudKitClientOptions {
  /** Retries after throttling before giving up with TransferError('rate-limited'). */
  readonly maxThrottleRetries?: number;
  /** ACCESS_DENIED is both "ADP on" and "throttled" (protocol notes §6.2): retry it this often first. */
  readonly accessDeniedRetries?: number;
  /** Retries of 5xx answers and network failures. */
  readonly maxTransientRetries?: number;
}

const BUILD = { clientBuildNumber: '2534Project66', clientMasteringNumber: '2534B22' };

export class CloudKitClient {
  /** Requests sent, by operation (tests count them). */
  readonly calls = new Map<string, number>();
  private readonly clientId: string;
  private readonly opts: Required<CloudKitClientOptions>;

  constructor(readonly session: IcloudSession, readonly pacer: Pacer, options: CloudKitClientOptions = {}) {
    this.clientId = (session as { clientId?: string }).clientId ?? randomUUID().toLowerCase();
    this.opts = { maxThrottleRetries: 8, accessDeniedRetries: 3, maxTransientRetries: 3, ...options };
  }

  get totalCalls(): number { let n = 0; for (const v of this.calls.values()) n += v; return n; }

  private url(db: Database, op: string): string {
    const base = this.session.webservices['ckdatabasews']?.url;
    if (base === undefined) throw icloudErrors.photosNotEnabled();
    const q = new URLSearchParams({ ...BUILD, clientId: this.clientId, dsid: this.session.dsid, remapEnums: 'true', getCurrentSyncToken: 'true' });
    return `${base.replace(/\/$/, '')}/database/1/com.apple.photos.cloud/production/${db}/${op}?${q}`;
  }

  /** POSTs `body` to `op` and parses the answer with `schema`; every failure leaves as a TransferError. */
  async post<S extends z.ZodType>(db: Database, op: string, body: unknown, schema: S, signal: AbortSignal): Promise<z.output<S>> {
    let refreshed = false;
    let throttled = 0;
    let denied = 0;
    let transient = 0;
    for (;;) {
      this.calls.set(op, (this.calls.get(op) ?? 0) + 1);
      let response: Response;
      try {
        response = await this.pacer.run(() => this.session.fetch(this.url(db, op), {
          method: 'POST', body: JSON.stringify(body), signal,
          // CloudKit JS posts text/plain (no CORS preflight); Apple accepts both.
          headers: { 'content-type': 'text/plain', origin: 'https://www.icloud.com', referer: 'https://www.icloud.com/' },
        }), signal);
      } catch (err) {
        const mapped = toTransferError(err);
        if (mapped.kind === 'transient' && transient++ < this.opts.maxTransientRetries) continue;
        throw mapped;
      }
      const text = await response.text().catch(() => '');
      const json = parseJson(text);
      const envelope = errorEnvelopeSchema.safeParse(json);
      const code = envelope.success ? envelope.data.serverErrorCode : undefined;
      if (response.ok) {
        // Errors can arrive with HTTP 200: {"success":false,"error":"Api Error","errorCode":"100"}.
        if (envelope.success && (envelope.data.success === false || envelope.data.hasError === true) && (envelope.data.error ?? envelope.data.reason) !== undefined) {
          throw new IcloudError('permanent', 'unexpected-response', `CloudKit ${op}: Apple answered "${envelope.data.error ?? envelope.data.reason}" (code ${String(envelope.data.errorCode ?? '?')}).`);
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw icloudErrors.unexpected(`CloudKit ${op}: ${parsed.error.issues[0]?.message ?? 'bad shape'}`, parsed.error);
        this.pacer.succeeded();
        return parsed.data;
      }
      const status = response.status;
      if ((status === 401 || status === 421 || status === 450 || code === 'AUTHENTICATION_REQUIRED') && !refreshed) {
        refreshed = true;
        await this.session.refresh(signal);
        continue;
      }
      const throttle = status === 429 || status === 503 || ['THROTTLED', 'TRY_AGAIN_LATER', 'RETRY_LATER', 'CAS_OP_LOCK'].includes(code ?? '');
      if (throttle && throttled++ < this.opts.maxThrottleRetries) { this.pacer.throttled(retryAfterMs(response.headers)); continue; }
      if (code === 'ACCESS_DENIED' && denied++ < this.opts.accessDeniedRetries) { this.pacer.throttled(retryAfterMs(response.headers)); continue; }
      if (status >= 500 && !throttle && transient++ < this.opts.maxTransientRetries) { this.pacer.throttled(); continue; }
      throw fromAppleResponse(new AppleHttpError(`CloudKit ${op}`, status, response.headers, json ?? text));
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try { return JSON.parse(text) as unknown; } catch { return undefined; }
}
