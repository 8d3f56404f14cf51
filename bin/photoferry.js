#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4 --initial-old-space-size=48 --heap-growing-percent=50 --max-opt=2
// --initial-old-space-size=48 (MB): V8's small default limit forced hundreds of full collections per GB a copy streams
// through short-lived buffers. 128 MB was used until the stream paths reused their read chunks (core/read-chunks.ts),
// then 64 MB (3.8 GB through the stream path: user time 0.98× that of 128 MB). Below the first full collection's
// limit the old space fills with promoted garbage: a 10k-small-file copy (≈ 30 MB live) peaked with it. Since the
// manifest stopped making garbage, 48 against 64 side by side: 10k small files 148.5 vs 158 MiB (6 pairs, user
// 1.01×, wall 0.99×), with sidecars 161 vs 165 MiB; a 100k iCloud listing 170–178 vs 178–185 MB at the same user
// time (2 pairs); the mixed library runs no full collection either way. 40 cost 4–9% more CPU on that listing.
// --heap-growing-percent=50: after each full collection V8 lets old space grow to up to 4× the live heap by
// default, and long runs fill it with garbage they promoted. At 1.5× the live heap, against 128 MB and 2×
// (side by side, medians of 5): 10k small files 168 vs 183 MB and 205 vs 256 MB with sidecars, same wall and CPU;
// a 100k iCloud listing 238 vs 292 MB peak RSS.
// --max-semi-space-size=4 (MB): the young generation grows to 3 × 16 MB by default; a 10k-small-file copy allocates
// steadily and peaked at ~300 MB RSS with it, ~160 MB with 4 MB semi-spaces, at less CPU (measured side by side).
// --max-opt=2: V8's tiers stop at Maglev; TurboFan, the top tier, never runs. At a copy's peak its code was 6 MiB of
// node's own resident pages (41 vs 47 MiB) and what its compile jobs had malloc'd and freed another 5–13 MiB (anon
// and [heap] mappings). Without it, side by side (medians, 4–6 pairs): 10k small files local 122 vs 127 MiB bytes
// only and 128 vs 142 MiB with sidecars, to S3 143 vs 155 MiB, to SFTP 138 vs 146 MiB, a 3.8 GB mixed library 97 vs
// 102 MiB, at 0.96–0.98× the CPU and 0.96–1.03× the wall time; a 100k iCloud listing in the same time (2 pairs).
// Stopping one tier lower (Sparkplug) saved 6 MiB more at 1.12× the wall time.
// MALLOC_ARENA_MAX=2: glibc gives each thread that mallocs (V8's compiler and GC helpers, libuv's pool) an arena of
// its own, up to 8 per core, and each keeps freed memory as RSS. With two, side by side: a 100k iCloud listing peaked
// at 192–196 MB instead of 216–225 MB (3 pairs, same CPU), a 10k-small-file copy at 168 vs 177 MB (6 pairs, wall
// 1.02×), a 4 GiB video the same (local, S3, SFTP, same time). One arena saved 3 MB more at 13% more wall. glibc
// reads it only at start-up, hence here; the processes photoferry starts inherit it (glibc ones only heed it).
// --scavenger-max-new-space-capacity-mb=2, set below (Node 20's V8 does not know it, so it cannot be in this line):
// see youngBufferScavenge().
// @module Launcher: runs the bundled CLI from dist/ when it is newer than every source file (npm run build),
// otherwise the TypeScript sources through tsx's loader, so a stale bundle is never what runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
// a namespace import: a named one fails to link on the Node < 22.1 that only hands over to Node 24 below
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBeforeNode2212, runtimeNodeDir } from './node-runtime.js';

const root = fileURLToPath(new URL('..', import.meta.url));
process.env.PHOTOFERRY_PACKAGE_ROOT ??= root;

// photoferry needs Node ≥ 22.12. Started by an older Node (a machine whose system Node is 20), hand over to the
// Node 24 that scripts/setup.sh installed under .runtime/, passing signals on and exiting with its code.
if (isBeforeNode2212(process.versions.node)) {
  const runtime = join(runtimeNodeDir(root), 'node');
  if (!existsSync(runtime)) {
    process.stderr.write(`photoferry needs Node.js 22.12 or newer (this is ${process.version}); run scripts/setup.sh, which installs Node 24 into .runtime/\n`);
    process.exit(2);
  }
  // loaded here only: node:child_process pulls in node:net, a few ms of every start-up
  const { spawn } = await import('node:child_process');
  // The IPC channel is only a lifeline: when this wrapper dies (even by SIGKILL) the child sees 'disconnect' and stops.
  const child = spawn(runtime, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...process.env, PHOTOFERRY_LAUNCHED_BY: String(process.pid) } });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
} else {
  youngBufferScavenge();
  watchWrapper();
  await main();
}

/**
 * V8 frees a dead Buffer's memory (malloc'd outside its heap) only when it collects the Buffer object, and it starts
 * a young-generation collection for that reason alone once 2 × scavenger-max-new-space-capacity-mb (× 2 without
 * pointer compression, as in Node) of young buffers exist: 128 MB by default, far more than the 4 MB semi-spaces
 * ever hold. A large copy makes buffers fast and little else (SFTP's packets, HTTP clients' chunks, reads no writer
 * gives back), so tens of MB of dead ones waited. At 2 (8 MB of young buffers) a 1 GiB video peaked at 137 MB
 * instead of 205 MB to SFTP, 159 vs 214 MB to WebDAV, 149 vs 170 MB to Immich, at the same or less CPU; 1 was no
 * better, 4 a little worse. V8 reads the flag at each buffer allocation, so setting it now is enough. Node 24's V8
 * (13.6) has it; older ones may not, and are left as they are.
 */
function youngBufferScavenge() {
  if (Number(process.versions.v8.split('.')[0]) >= 13) setFlagsFromString('--scavenger-max-new-space-capacity-mb=2');
}

/** Started by the wrapper above: stop as on SIGTERM (no partial file kept) when the wrapper goes away. */
function watchWrapper() {
  if (!process.env.PHOTOFERRY_LAUNCHED_BY) return;
  delete process.env.PHOTOFERRY_LAUNCHED_BY;
  const stop = () => process.kill(process.pid, 'SIGTERM');
  // Loading this module lets the event loop run, so the wrapper may already be gone (the channel closed) by now.
  if (!process.channel || !process.connected) { stop(); return; }
  process.channel.unref();
  process.once('disconnect', stop);
}

// Paths joined by hand: path.join's normalisation of ~400 names was half of this check's cost on every start.
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
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

async function main() {
  if (process.env.PHOTOFERRY_FROM_SOURCE !== '1' && bundleIsFresh()) {
    // V8's compiled code for the bundle kept on disk (Node's own cache, in the temp folder, keyed by file content):
    // compiling the CLI, zod and kysely was most of a short run's start-up. A cache that cannot be written is skipped.
    nodeModule.enableCompileCache?.();
    await import('../dist/main.js');
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../src/cli/main.ts');
  }
}
