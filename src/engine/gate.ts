/**
 * @module One run's byte gate: a bandwidth limit (token bucket shared by every stream of the run) and pause/resume.
 * Every copied byte passes through `stream()` once, so the limit holds however many files are in flight.
 */
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../core/usage-error.ts';

/** The smallest slice a limited chunk is cut into (below it the per-slice cost outweighs the smoothness). */
const MIN_SLICE = 4096;

export class RunGate {
  /** Bytes per second; null = unlimited. Changeable while the run goes. */
  private rate: number | null;
  /** Bytes allowed right now; negative = borrowed, repaid by waiting (so the average is exact from the first byte). */
  private tokens = 0;
  private refilledAt = Date.now();
  private pausedWith: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(bytesPerSecond: number | null = null) { this.rate = bytesPerSecond; }

  get bytesPerSecond(): number | null { return this.rate; }
  get paused(): boolean { return this.pausedWith !== null; }

  setLimit(bytesPerSecond: number | null): void {
    this.refill();
    this.rate = bytesPerSecond !== null && bytesPerSecond > 0 ? bytesPerSecond : null;
    this.tokens = Math.min(this.tokens, 0);
  }

  pause(): void {
    if (this.pausedWith !== null) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => { resolve = r; });
    this.pausedWith = { promise, resolve };
  }

  resume(): void {
    const p = this.pausedWith;
    this.pausedWith = null;
    this.refilledAt = Date.now();
    p?.resolve();
  }

  /** Waits until `n` bytes may pass: while paused, then as long as the limit needs. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    await this.unpaused(signal);
    if (this.rate === null) return;
    this.refill();
    this.tokens -= n;
    if (this.tokens < 0) {
      await sleep(Math.ceil((-this.tokens / this.rate) * 1000), undefined, signal ? { signal } : {});
      // A pause that came while these bytes waited their turn holds them too (many small files wait at once).
      await this.unpaused(signal);
    }
  }

  private async unpaused(signal?: AbortSignal): Promise<void> {
    while (this.pausedWith !== null) {
      signal?.throwIfAborted();
      await Promise.race([this.pausedWith.promise, ...(signal ? [aborted(signal)] : [])]);
    }
  }

  /** A pass-through that holds each chunk until the gate lets it go. */
  stream(signal?: AbortSignal): Transform {
    const out: Transform = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        (async () => {
          for (let at = 0; at < chunk.length;) {
            const size = this.rate === null ? chunk.length - at : Math.max(MIN_SLICE, Math.ceil(this.rate / 8));
            // A chunk let through whole is passed on as itself, so its writer can give it back (core/read-chunks.ts).
            const piece = at === 0 && size >= chunk.length ? chunk : chunk.subarray(at, at + size);
            await this.take(piece.length, signal);
            out.push(piece);
            at += piece.length;
          }
        })().then(() => callback(), (err: unknown) => callback(err as Error));
      },
    });
    return out;
  }

  private refill(): void {
    const now = Date.now();
    if (this.rate !== null) {
      // At most a quarter second of burst is saved up: an idle moment must not let the next files through unlimited.
      this.tokens = Math.min(this.rate / 4, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    }
    this.refilledAt = now;
  }
}

const aborted = (signal: AbortSignal) => new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `--bwlimit 2M` / `500k` / `1048576` (bytes per second, binary units as rsync and rclone read them); 0 or "off" = none. */
export function parseBandwidth(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)(?:i?b)?(?:\/s)?\s*$/i.exec(text);
  if (text.trim().toLowerCase() === 'off') return null;
  if (m === null) throw new UsageError(`"${text}" is not a bandwidth: write bytes per second such as 500K, 2M or 1048576 (0 or off for no limit).`);
  const value = Math.round(Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]!);
  return value > 0 ? value : null;
}
