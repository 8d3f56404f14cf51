/** @module Port helpers for the loopback test servers (sshd, Apache): pick a free port, wait until it answers. */
import { createServer, connect } from 'node:net';
import type { ChildProcess } from 'node:child_process';

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
