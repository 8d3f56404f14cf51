#!/usr/bin/env -S node --initial-old-space-size=128
// The flag: a copy streams GBs through short-lived buffers; with V8's small initial old-space limit that
// forced hundreds of full collections per run (≈40% of the CPU of a 4 GB SFTP copy). 128 MB costs ~25 MB of RSS.
// @module Launcher: runs the bundled CLI from dist/ when it is newer than every source file (npm run build),
// otherwise the TypeScript sources through tsx's loader, so a stale bundle is never what runs.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.env.PHOTOFERRY_PACKAGE_ROOT ??= root;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(join(root, 'dist/.built')).mtimeMs >= newestSource(join(root, 'src'));
  } catch {
    return false;
  }
}

if (process.env.PHOTOFERRY_FROM_SOURCE !== '1' && bundleIsFresh()) {
  await import('../dist/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
