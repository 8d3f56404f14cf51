/** @module CloudKit wire client for com.apple.photos.cloud: URLs and headers, pacing, throttle/expiry retries, zod-checked answers. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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
  /** Retries of 5xx answers and network failures (a body cut mid-read included). */
  readonly maxTransientRetries?: number;
  /** First wait before retrying a network failure; doubles each time. */
  readonly transientBackoffMs?: number;
}

const BUILD = { clientBuildNumber: '2534Project66', clientMasteringNumber: '2534B22' };

export class CloudKitClient {
  /** Requests sent, by operation (tests count them). */
  readonly calls = new Map<string, number>();
  private readonly clientId: string;
  private readonly opts: Required<CloudKitClientOptions>;

  constructor(readonly session: IcloudSession, readonly pacer: Pacer, options: CloudKitClientOptions = {}) {
    this.clientId = (session as { clientId?: string }).clientId ?? randomUUID().toLowerCase();
    this.opts = { maxThrottleRetries: 8, accessDeniedRetries: 3, maxTransientRetries: 3, transientBackoffMs: 500, ...options };
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
    let pcsRenewed = false;
    /** A network failure (connection reset, body cut mid-read): wait, then retry; Ctrl-C during the wait cancels. */
    const retryNetwork = async (err: unknown): Promise<void> => {
      const mapped = toTransferError(err);
      if (signal.aborted) throw new IcloudError('cancelled', 'cancelled', 'Cancelled.', { cause: err });
      if (mapped.kind !== 'transient' || transient >= this.opts.maxTransientRetries) throw mapped;
      await sleep(this.opts.transientBackoffMs * 2 ** transient++, undefined, { signal }).catch((e: unknown) => { throw toTransferError(e); });
    };
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
        await retryNetwork(err);
        continue;
      }
      let text: string;
      try {
        text = await response.text();
      } catch (err) {
        // The headers came but the body broke off: the network's fault, not a protocol change.
        await retryNetwork(bodyCut(op, err));
        continue;
      }
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
      // ADP: the PCS cookies lapse about hourly; ask for new ones once (the user approves on a trusted device).
      if (code === 'ACCESS_DENIED' && !pcsRenewed && this.session.renewPcs !== undefined) {
        pcsRenewed = true;
        if (await this.session.renewPcs(signal)) continue;
      }
      if (code === 'ACCESS_DENIED' && denied++ < this.opts.accessDeniedRetries) { this.pacer.throttled(retryAfterMs(response.headers)); continue; }
      if (status >= 500 && !throttle && transient++ < this.opts.maxTransientRetries) { this.pacer.throttled(); continue; }
      throw fromAppleResponse(new AppleHttpError(`CloudKit ${op}`, status, response.headers, json ?? text));
    }
  }
}

/** A body read that failed: abort stays abort, anything else is a transient network error naming the request. */
function bodyCut(op: string, err: unknown): unknown {
  const name = (err as Error | undefined)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return err;
  return new IcloudError('transient', 'network', `CloudKit ${op}: the answer broke off mid-read (${err instanceof Error ? err.message : String(err)}); will retry.`, { cause: err });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try { return JSON.parse(text) as unknown; } catch { return undefined; }
}
