/** @module Builds the dashboard (web/dist) when it is missing or older than any file under web/, so the e2e test serves current code. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WEB = resolve(import.meta.dirname, '../../../web');
const VITE = resolve(import.meta.dirname, '../../../node_modules/vite/bin/vite.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Returns true when it had to build. Throws with vite's output when the build fails. */
export function buildWebIfStale(): boolean {
  const index = join(WEB, 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEB)) return false;
  const result = spawnSync(process.execPath, [VITE, 'build', WEB, '--logLevel', 'warn'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  return true;
}
