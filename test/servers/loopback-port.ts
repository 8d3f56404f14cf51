/** @module Loopback test-server plumbing: pick a free port, wait until it answers, stop the server by PID. */
import { createServer, connect } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

/** A port the kernel just handed out on 127.0.0.1 (released again, so a small race is possible). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Resolves once a TCP connection to the port succeeds and, when `banner` is given, the server's first
 * bytes start with it. Fails early when `child` exits, with its log, so a bad config says why.
 */
export async function waitForBanner(port: number, banner: string | null, child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before port ${port} answered:\n${log()}`);
    }
    if (await probe(port, banner)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not answer within ${timeoutMs} ms:\n${log()}`);
}

function probe(port: number, banner: string | null): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => { if (banner === null) done(true); });
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith(banner ?? '')));
  });
}

/**
 * Collects the child's output, waits until its port answers (on failure: kills it, removes `dir`, and throws with its
 * log), and returns how to stop it by PID and remove `dir`. A test process that exits before `stop()` takes the
 * server and its folder with it, so a crash never leaves a server on its port.
 */
export async function superviseServer(child: ChildProcess, dir: string, port: number, banner: string | null = null): Promise<() => Promise<void>> {
  let log = '';
  child.stdout?.on('data', (c: Buffer) => { log += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { log += c.toString(); });
  const killOnExit = () => { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForBanner(port, banner, child, () => log);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return stop;
}
