/** @module Fault knobs: throttling (503/429/ACCESS_DENIED), session expiry, and download failures (resets, truncation, stalls, expired URLs). */

export interface ThrottleFault {
  readonly kind: '503' | '429' | 'access-denied';
  /** Start after this many CloudKit requests (default 0). */
  readonly afterRequests?: number;
  /** Fail this many requests, then stop (default: unlimited while `rate` applies). */
  readonly count?: number;
  /** Fraction of requests that fail, 0..1 (default 1). */
  readonly rate?: number;
  readonly retryAfterSec?: number;
}

export interface DownloadFaults {
  /** Reset the connection after half the body, for this many downloads. */
  resets?: number;
  /** Send a full Content-Length but end the body early, for this many downloads. */
  truncations?: number;
  /** Stop sending mid-body for `ms` (the client's watchdog should fire), for `count` downloads. */
  stall?: { count: number; ms: number };
  /** Throttle bodies to this rate. */
  bytesPerSec?: number;
}

export interface Faults {
  throttle?: ThrottleFault;
  /** Invalidate the current web session after this many CloudKit requests (once). */
  expireSessionAfter?: number;
  download: DownloadFaults;
  /** Lifetime of signed download URLs (Apple: about an hour). */
  urlTtlSec: number;
  /** CheckIndexingState answer; FINISHED unless set. */
  indexing: { state: 'FINISHED' | 'RUNNING'; progress: number };
}

export const defaultFaults = (): Faults => ({ download: {}, urlTtlSec: 3600, indexing: { state: 'FINISHED', progress: 100 } });

/** Counts requests and decides which one fails; one instance per simulator. */
export class FaultClock {
  ckRequests = 0;
  throttled = 0;
  private rngState = 1;

  constructor(readonly faults: Faults) {}

  private random(): number {
    this.rngState = (Math.imul(this.rngState, 1103515245) + 12345) >>> 0;
    return this.rngState / 0x100000000;
  }

  /** Called once per CloudKit request; returns the throttle to apply, if any. */
  nextThrottle(): ThrottleFault | undefined {
    this.ckRequests++;
    const t = this.faults.throttle;
    if (t === undefined || this.ckRequests <= (t.afterRequests ?? 0)) return undefined;
    if (t.count !== undefined && this.throttled >= t.count) return undefined;
    if (this.random() >= (t.rate ?? 1)) return undefined;
    this.throttled++;
    return t;
  }

  /** True exactly once, on the request that crosses `expireSessionAfter`. */
  sessionExpiresNow(): boolean {
    const after = this.faults.expireSessionAfter;
    if (after === undefined || this.ckRequests < after) return false;
    delete this.faults.expireSessionAfter;
    return true;
  }
}
