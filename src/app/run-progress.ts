/** @module Live progress of one run from its events: totals, throughput over a sliding window, back-off and an ETA that stays finite. */
import type { RunEvent } from '../engine/events.ts';

export type SnapshotState = 'listing' | 'running' | 'backing-off' | 'ok' | 'partial' | 'failed' | 'cancelled';

/** What the source's request pacer says now (iCloud only). */
export interface PaceReading {
  readonly concurrency: number;
  readonly maxConcurrency: number;
  /** Epoch ms until which the pacer starts nothing. */
  readonly pausedUntil: number;
  readonly throttles: number;
}

export interface Snapshot {
  readonly filesDone: number;
  readonly files: number;
  readonly bytesDone: number;
  readonly bytes: number;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number;
  readonly pace?: { concurrency: number; maxConcurrency: number; backoffSeconds: number; throttles: number };
  readonly state: SnapshotState;
}

const WINDOW_MS = 10_000;
/** Before the first byte there is no rate to go by; assume a modest one so the ETA is a number, not "unknown". */
const ASSUMED_RATE = 1_000_000;

export class RunProgress {
  files = 0;
  bytes = 0;
  filesDone = 0;
  bytesDone = 0;
  listed = 0;
  private final: SnapshotState | undefined;
  private planned = false;
  private retryUntil = 0;
  private firstByteAt: number | undefined;
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  apply(event: RunEvent): void {
    const at = this.now();
    switch (event.type) {
      case 'listing': this.listed = event.assets; break;
      case 'planned': this.planned = true; this.files = event.files; this.bytes = event.bytes; break;
      case 'progress':
        this.filesDone = event.filesDone;
        this.bytesDone = Math.max(0, event.bytesDone);
        if (this.bytesDone > 0) this.firstByteAt ??= at;
        this.samples.push({ at, bytes: this.bytesDone });
        while (this.samples.length > 2 && this.samples[0]!.at < at - WINDOW_MS) this.samples.shift();
        break;
      case 'retry': this.retryUntil = Math.max(this.retryUntil, at + event.delayMs); break;
      case 'pace': if (event.backoffMs > 0) this.retryUntil = Math.max(this.retryUntil, at + event.backoffMs); break;
      case 'finished': this.final = event.summary.status; this.filesDone = this.files; break;
      default: break;
    }
  }

  /** The run stopped before `finished` (an error while listing, or cancelled then). */
  fail(state: 'failed' | 'cancelled'): void { this.final ??= state; }

  get ended(): boolean { return this.final !== undefined; }

  rate(): number {
    const at = this.now();
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first !== undefined && last !== undefined && last.at - first.at >= 500 && last.bytes > first.bytes) {
      return (last.bytes - first.bytes) / ((last.at - first.at) / 1000);
    }
    // Nothing moved in the window (e.g. backing off): the run's average keeps the ETA honest and finite.
    if (this.firstByteAt !== undefined && this.bytesDone > 0) return this.bytesDone / Math.max(1, (at - this.firstByteAt) / 1000);
    return 0;
  }

  snapshot(pace?: PaceReading): Snapshot {
    const at = this.now();
    const backoffMs = Math.max(0, this.retryUntil - at, (pace?.pausedUntil ?? 0) - at);
    const rate = this.rate();
    const remaining = Math.max(0, this.bytes - this.bytesDone);
    const state: SnapshotState = this.final ?? (backoffMs > 0 ? 'backing-off' : this.planned ? 'running' : 'listing');
    const eta = this.final !== undefined ? 0 : Math.ceil(remaining / (rate > 0 ? rate : ASSUMED_RATE) + backoffMs / 1000);
    return {
      filesDone: Math.min(this.filesDone, this.files), files: this.files, bytesDone: Math.min(this.bytesDone, this.bytes), bytes: this.bytes,
      bytesPerSecond: Math.round(rate), etaSeconds: Number.isFinite(eta) ? eta : 0, state,
      ...(pace === undefined ? {} : {
        pace: { concurrency: pace.concurrency, maxConcurrency: pace.maxConcurrency, backoffSeconds: Math.ceil(backoffMs / 1000), throttles: pace.throttles },
      }),
    };
  }
}
