/** @module Fault knobs: throttling (503/429/ACCESS_DENIED, per-account request ceilings), session expiry, and download failures (resets, truncation, stalls, expired URLs). */

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

/**
 * Apple throttles per account: more than `perSecond` requests of one Apple ID (CloudKit calls and downloads) in any
 * one second are refused with 503 (or 429) and Retry-After, and the refused ones do not count toward the second.
 */
export interface AccountCeiling {
  readonly perSecond: number;
  readonly kind?: '503' | '429';
  readonly retryAfterSec?: number;
}

/** Requests of one account: served, refused for exceeding its ceiling, and the most served within one second (with a ceiling). */
export interface AccountRequests { served: number; refused: number; peakPerSecond: number }

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
  /** Request ceilings by Apple ID (lower case); `null` in a patch removes one. */
  ceilings: Record<string, AccountCeiling>;
  /** Invalidate the current web session after this many CloudKit requests (once). */
  expireSessionAfter?: number;
  download: DownloadFaults;
  /** Lifetime of signed download URLs (Apple: about an hour). */
  urlTtlSec: number;
  /** CheckIndexingState answer; FINISHED unless set. */
  indexing: { state: 'FINISHED' | 'RUNNING'; progress: number };
}

export const defaultFaults = (): Faults => ({ ceilings: {}, download: {}, urlTtlSec: 3600, indexing: { state: 'FINISHED', progress: 100 } });

/** Counts requests and decides which one fails; one instance per simulator. */
export class FaultClock {
  ckRequests = 0;
  throttled = 0;
  /** Requests by Apple ID (lower case), for tests that check an account stayed under its ceiling. */
  readonly accounts = new Map<string, AccountRequests>();
  /** Start times of the requests each account had served in the last second. */
  private readonly lastSecond = new Map<string, number[]>();
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

  /**
   * Called once per CloudKit request or download that belongs to an account; returns the ceiling it exceeds (refuse
   * the request) or undefined (serve it). A sliding one-second window, so no second of wall time holds more.
   */
  overCeiling(appleId: string | undefined, now = Date.now()): AccountCeiling | undefined {
    if (appleId === undefined) return undefined;
    const account = appleId.toLowerCase();
    let counts = this.accounts.get(account);
    if (counts === undefined) { counts = { served: 0, refused: 0, peakPerSecond: 0 }; this.accounts.set(account, counts); }
    const ceiling = this.faults.ceilings[account];
    if (ceiling !== undefined) {
      let starts = this.lastSecond.get(account);
      if (starts === undefined) { starts = []; this.lastSecond.set(account, starts); }
      while (starts.length > 0 && starts[0]! <= now - 1000) starts.shift();
      if (starts.length >= ceiling.perSecond) { counts.refused++; return ceiling; }
      starts.push(now);
      counts.peakPerSecond = Math.max(counts.peakPerSecond, starts.length);
    }
    counts.served++;
    return undefined;
  }

  /** True exactly once, on the request that crosses `expireSessionAfter`. */
  sessionExpiresNow(): boolean {
    const after = this.faults.expireSessionAfter;
    if (after === undefined || this.ckRequests < after) return false;
    delete this.faults.expireSessionAfter;
    return true;
  }
}
