/** @module Typed progress events of a run: the CLI bars, --json output and the dashboard all read these. */
import type { Outcome, RunId, RunSummary } from '../core/outcome.ts';

export type RunEvent =
  | { type: 'listing'; assets: number }
  | { type: 'planned'; runId: RunId; files: number; bytes: number; present: number; filtered: number; removes: number }
  | { type: 'file-start'; path: string; size: number }
  | { type: 'progress'; bytesDone: number; filesDone: number }
  | { type: 'file-done'; outcome: Outcome }
  | { type: 'retry'; path: string; attempt: number; delayMs: number; reason: string }
  | { type: 'pace'; concurrency: number; backoffMs: number; reason: string }
  /**
   * Something the user should know that is not one file's outcome (a manifest not written, a fallback taken).
   * `show`: the CLI prints it on stderr even without --json (e.g. a destination changed the server's state for the run).
   */
  | { type: 'notice'; message: string; show?: true }
  | { type: 'finished'; runId: RunId; summary: RunSummary };

export type EventSink = (event: RunEvent) => void;
export const ignoreEvents: EventSink = () => {};
