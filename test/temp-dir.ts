/** @module Temp dirs for tests, removed when the process ends, wherever they were made (a test, a hook, a helper). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
// On exit rather than in a node:test `after` hook: bench imports these helpers too, and there `after` prints a test
// report; and an `after` registered inside a `before` hook runs as soon as that hook ends, under the tests' feet.
process.once('exit', () => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

/** A fresh dir `<os tmpdir>/<prefix>XXXXXX`, removed when the process exits (node --test runs each file in its own). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
