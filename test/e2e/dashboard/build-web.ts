/** @module Builds the dashboard (web/dist) when it is missing or older than any file under web/, so the e2e test serves current code. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WEB = resolve(import.meta.dirname, '../../../web');
const VITE = resolve(import.meta.dirname, '../../../node_modules/vite/bin/vite.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name === '.build.lock') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = (index: string) => existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEB);

/** Whether the process that wrote a lock file is still running (a killed test run leaves its lock behind). */
function holderAlive(lock: string): boolean {
  const pid = Number(readFileSync(lock, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/**
 * Test files run in parallel processes, and on a fresh clone several find web/dist missing at once; vite refuses a
 * second build of the same project while one runs. So one process builds under a lock file, and the others wait for
 * it and then find the build fresh.
 */
function withBuildLock<T>(fn: () => T): T {
  const lock = join(WEB, '.build.lock');
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // an empty file is a lock being written: wait for its pid
      if (readFileSync(lock, 'utf8') !== '' && !holderAlive(lock)) { rmSync(lock, { force: true }); continue; }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try { return fn(); } finally { rmSync(lock, { force: true }); }
}

/** Returns true when it had to build. Throws with vite's output when the build fails. */
export function buildWebIfStale(): boolean {
  const index = join(WEB, 'dist', 'index.html');
  if (fresh(index)) return false;
  return withBuildLock(() => {
    if (fresh(index)) return false; // built by another test file while this one waited
    const result = spawnSync(process.execPath, [VITE, 'build', WEB, '--logLevel', 'warn'], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
    return true;
  });
}
