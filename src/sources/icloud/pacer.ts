/** @module Per-Apple-ID adaptive pacing: AIMD concurrency and request spacing, backing off on throttling (Retry-After, jitter) and climbing back when calm. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SharedPacing } from '../define.ts';

export interface Pace {
  /** Requests allowed in flight now. */
  readonly concurrency: number;
  readonly maxConcurrency: number;
  /** Minimum gap between request starts. */
  readonly intervalMs: number;
  /** Epoch ms until which nothing starts (0 when not backing off). */
  readonly pausedUntil: number;
  /** Throttle answers seen so far. */
  readonly throttles: number;
}

export interface PacerOptions {
  readonly maxConcurrency?: number;
  /** Spacing between request starts when calm (icloud-photos-sync suggests ≥ 20 ms per metadata request). */
  readonly minIntervalMs?: number;
  /** First backoff after a throttle; doubles with each consecutive one. */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Successes in a row before concurrency climbs by one. */
  readonly calmAfter?: number;
  readonly onPace?: (pace: Pace) => void;
  readonly random?: () => number;
  /** The account's bucket and cooldown shared with other processes (workers on one catalog). */
  readonly shared?: SharedPacing;
}

/**
 * Tokens taken from the shared bucket per round trip. One: a token held unused by one process would be one another
 * cannot spend, and would let it start a request through a cooldown set after it took the token.
 */
const SHARED_CHUNK = 1;

export class Pacer {
  private concurrency: number;
  private intervalMs: number;
  private inFlight = 0;
  private lastStart = 0;
  private pausedUntil = 0;
  private streak = 0;
  private consecutiveThrottles = 0;
  private throttles = 0;
  private readonly waiters: (() => void)[] = [];
  private sharedTokens = 0;
  readonly options: Required<Omit<PacerOptions, 'onPace' | 'shared'>> & Pick<PacerOptions, 'onPace' | 'shared'>;

  constructor(options: PacerOptions = {}) {
    this.options = {
      maxConcurrency: 6, minIntervalMs: 20, baseBackoffMs: 1000, maxBackoffMs: 120_000, calmAfter: 10, random: Math.random,
      ...options,
    };
    this.concurrency = this.options.maxConcurrency;
    this.intervalMs = this.options.minIntervalMs;
  }

  pace(): Pace {
    return { concurrency: this.concurrency, maxConcurrency: this.options.maxConcurrency, intervalMs: this.intervalMs, pausedUntil: this.pausedUntil, throttles: this.throttles };
  }

  private emit(): void { this.options.onPace?.(this.pace()); }

  /** Runs `fn` once a slot is free, the pause is over and the spacing allows it. */
  async run<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    while (this.inFlight >= this.concurrency) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlight++;
    try {
      for (;;) {
        signal.throwIfAborted();
        const now = Date.now();
        const wait = Math.max(this.pausedUntil - now, this.lastStart + this.intervalMs - now);
        if (wait > 0) { await sleep(wait, undefined, { signal }); continue; }
        // Synchronous when a token is in hand, so the spacing check above and lastStart below stay one step.
        if (this.takeSharedToken()) break;
        await this.refillShared(signal);
      }
      this.lastStart = Date.now();
      return await fn();
    } finally {
      this.inFlight--;
      this.waiters.shift()?.();
    }
  }

  /** True when no shared bucket applies, or a token from it is in hand (spent now). */
  private takeSharedToken(): boolean {
    if (this.options.shared === undefined) return true;
    if (this.sharedTokens <= 0) return false;
    this.sharedTokens--;
    return true;
  }

  /**
   * Fetches tokens from the cluster's bucket. A cooldown another worker set becomes this pacer's pause; an empty
   * bucket waits for its next token.
   */
  private async refillShared(signal: AbortSignal): Promise<void> {
    const grant = await this.options.shared!.take(SHARED_CHUNK);
    this.sharedTokens += grant.granted;
    if (grant.cooldownUntil > this.pausedUntil) this.pausedUntil = grant.cooldownUntil;
    if (grant.granted === 0 && grant.cooldownUntil === 0) await sleep(Math.max(5, grant.waitMs), undefined, { signal });
  }

  /** Apple said "slow down": halve concurrency, widen spacing, pause for Retry-After or a jittered backoff. */
  throttled(retryAfterMs?: number): number {
    this.throttles++;
    this.consecutiveThrottles++;
    this.streak = 0;
    this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
    this.intervalMs = Math.min(1000, Math.max(this.options.minIntervalMs * 2, this.intervalMs * 2, 25));
    const exp = Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** (this.consecutiveThrottles - 1));
    const jittered = exp / 2 + this.options.random() * (exp / 2);
    const delay = Math.min(this.options.maxBackoffMs, Math.max(retryAfterMs ?? 0, jittered));
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay);
    // Every worker on this account pauses too; failing to tell them only costs them a throttle of their own.
    this.options.shared?.cooldown(this.pausedUntil).catch(() => undefined);
    this.emit();
    return delay;
  }

  /** A normal answer: after `calmAfter` in a row, one more request in flight and tighter spacing. */
  succeeded(): void {
    this.consecutiveThrottles = 0;
    if (++this.streak < this.options.calmAfter) return;
    this.streak = 0;
    const before = this.concurrency;
    this.concurrency = Math.min(this.options.maxConcurrency, this.concurrency + 1);
    this.intervalMs = Math.max(this.options.minIntervalMs, Math.floor(this.intervalMs / 2));
    if (before !== this.concurrency) this.emit();
    for (let k = this.inFlight; k < this.concurrency; k++) this.waiters.shift()?.();
  }
}

/**
 * Apple throttles per account, so every source signed in as the same Apple ID in this process shares
 * one pacer. This small registry is the one piece of module state in the connector, on purpose.
 */
const pacers = new Map<string, Pacer>();
export function pacerFor(appleId: string, options?: PacerOptions): Pacer {
  const key = appleId.toLowerCase();
  let pacer = pacers.get(key);
  if (pacer === undefined) { pacer = new Pacer(options); pacers.set(key, pacer); }
  return pacer;
}

/**
 * Runs a sign-in while holding the account's lease, so two workers never sign in to one Apple ID at once (Apple
 * would see two logins, and each could invalidate the other's session). Without a shared pacer it just runs.
 */
export async function oneSignInAtATime<T>(shared: SharedPacing | undefined, signIn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (shared === undefined) return signIn();
  const holder = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  while (!(await shared.lease(holder, 120_000))) await sleep(500, undefined, { signal });
  try {
    return await signIn();
  } finally {
    await shared.release(holder).catch(() => undefined);
  }
}
