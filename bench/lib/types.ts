/** @module Bench contracts: a section is a function that returns table rows; run.ts prints them. */

export interface Row {
  readonly section: string;
  /** What was measured, e.g. "copy 3.1 GB mixed library". */
  readonly what: string;
  /** Who did it: "photoferry", "cp -r", "rclone". */
  readonly tool: string;
  readonly seconds: number;
  readonly mbPerSec?: number;
  readonly itemsPerSec?: number;
  readonly peakRssMb?: number;
  readonly note?: string;
}

export interface Library {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
  readonly assets: number;
}

export interface BenchContext {
  /** Repository root (where bin/photoferry.js is). */
  readonly repo: string;
  /** Scratch and cache folder: <repo>/.bench. */
  readonly work: string;
  /** Timed repetitions per side (warm cache: caches cannot be dropped here); sections report the median or the last. */
  readonly runs: number;
  /** A cached sample library, generated on first use. */
  library(name: 'mixed' | 'small'): Promise<Library>;
  log(message: string): void;
}

export interface Section {
  readonly name: string;
  readonly description: string;
  run(ctx: BenchContext): Promise<Row[]>;
}
