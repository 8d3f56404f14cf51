/** @module Per-Apple-ID adaptive pacing: AIMD concurrency and request spacing, backing off on throttling (Retry-After, jitter) and climbing back when calm. */
import { setTimeout as sleep } from 'node:timers/promises';

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
}

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
  readonly options: Required<Omit<PacerOptions, 'onPace'>> & Pick<PacerOptions, 'onPace'>;

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
        if (wait <= 0) break;
        await sleep(wait, undefined, { signal });
      }
      this.lastStart = Date.now();
      return await fn();
    } finally {
      this.inFlight--;
      this.waiters.shift()?.();
    }
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
