/**
 * @module The work a run hands its workers, pulled from the plan's steps as they are made: a step's copies first,
 * then, once every copy of that step has settled, its derived actions (so an asset with a failed file gets no
 * sidecar claiming it). Only a few steps are held at once, so a 1M-asset run holds a few pages, never the plan.
 */
import type { CopyAction, PlanStep, RemoveAction } from './plan.ts';
import type { DerivedAction } from './derived/types.ts';

export type WorkItem =
  | { readonly kind: 'copy'; readonly action: CopyAction; readonly step: StepState }
  | { readonly kind: 'derived'; readonly action: DerivedAction; readonly step: StepState };

/** One step in flight: how many of its copies have not settled, and which of its assets had a file fail. */
export interface StepState {
  readonly failedAssets: Set<string>;
  /**
   * Assets with an original copied in this run. An asset's files are all in one step, so the run counts them step
   * by step (when the step settles) and never holds a set of every asset id it copied: 100k of them were ~10 MB.
   */
  readonly copiedAssets: Set<string>;
}

interface Held extends StepState {
  readonly step: PlanStep;
  nextCopy: number;
  unsettled: number;
}

/**
 * Steps held at most (copies being handed out or still settling): the next page is planned while the last files of
 * the previous ones finish, so one slow file does not idle the other workers, and a few pages bound the memory.
 */
const STEPS_HELD = 4;

export class WorkFeed {
  private readonly iterator: AsyncIterator<PlanStep> | Iterator<PlanStep>;
  private readonly held: Held[] = [];
  private readonly derived: { action: DerivedAction; step: StepState }[] = [];
  private pulling: Promise<void> | undefined;
  private exhausted = false;
  private waiting: (() => void)[] = [];
  /** The steps' own removes (album entries left behind), run after everything else as a whole plan would. */
  readonly removes: RemoveAction[] = [];

  /**
   * `onStep` sees each step as it is pulled from the plan, before any of its copies is handed out; `onSettled` sees
   * each step once every one of its copies has settled, before its derived actions are handed out (a step dropped by
   * `close` is not reported).
   */
  constructor(
    steps: AsyncIterable<PlanStep> | Iterable<PlanStep>,
    private readonly onStep?: (step: PlanStep) => void,
    private readonly onSettled?: (state: StepState, step: PlanStep) => void,
  ) {
    this.iterator = Symbol.asyncIterator in steps ? steps[Symbol.asyncIterator]() : steps[Symbol.iterator]();
  }

  /** The next piece of work, or undefined when the plan is done (every copy handed out and every step settled). */
  async next(): Promise<WorkItem | undefined> {
    for (;;) {
      const derived = this.derived.shift();
      if (derived) return { kind: 'derived', ...derived };
      for (const h of this.held) {
        const action = h.step.copies[h.nextCopy];
        if (action !== undefined) { h.nextCopy += 1; return { kind: 'copy', action, step: h }; }
      }
      if (!this.exhausted && this.held.length < STEPS_HELD) { await this.pull(); continue; }
      if (this.exhausted && this.held.length === 0) return undefined;
      // Every held copy is out and the steps are not settled yet: wait for a copy to settle (it may release derived work).
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** A copy handed out by next() has ended (done, failed or abandoned). */
  settled(item: WorkItem): void {
    if (item.kind !== 'copy') return;
    const h = item.step as Held;
    h.unsettled -= 1;
    this.release();
  }

  /** Wakes every waiting worker: one of them may now have work, or learn that there is none. */
  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Moves steps whose copies have all settled from `held` to their derived actions. */
  private release(): void {
    for (let i = 0; i < this.held.length;) {
      const h = this.held[i]!;
      if (h.unsettled > 0 || h.nextCopy < h.step.copies.length) { i += 1; continue; }
      this.held.splice(i, 1);
      this.onSettled?.(h, h.step);
      for (const action of h.step.derived) this.derived.push({ action, step: h });
    }
    this.wake();
  }

  /** One pull from the plan at a time, however many workers ask. */
  private pull(): Promise<void> {
    this.pulling ??= (async () => {
      try {
        const r = await this.iterator.next();
        if (r.done) { this.exhausted = true; return; }
        this.removes.push(...r.value.removes);
        if (r.value.copies.length + r.value.derived.length === 0) return;
        this.onStep?.(r.value);
        this.held.push({ step: r.value, nextCopy: 0, unsettled: r.value.copies.length, failedAssets: new Set(), copiedAssets: new Set() });
      } finally {
        this.pulling = undefined;
        this.release();
      }
    })();
    return this.pulling;
  }

  /** Stops pulling (the run was stopped): the plan's generator is closed. */
  async close(): Promise<void> {
    this.exhausted = true;
    this.held.length = 0;
    this.derived.length = 0;
    this.wake();
    await this.iterator.return?.();
  }
}
