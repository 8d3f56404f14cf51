/** @module Starts `photoferry serve` as a child process on a free loopback port and stops it by its PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../servers/loopback-port.ts';
import { BIN } from '../cli.ts';
import { WEB } from './build-web.ts';

export interface Served {
  url: string; child: ChildProcess; log: () => string; stop: () => Promise<void>;
  /** The one-time setup token the server printed on its console at first start. */
  setupToken: () => string;
}

export async function startServe(env: Record<string, string>, timeoutMs = 30_000): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--web-root', join(WEB, 'dist')], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const log = () => output.slice(-4000);
  const url = `http://127.0.0.1:${port}`;
  const setupToken = () => {
    const token = /setup token[^:]*: (\S+)/.exec(output)?.[1];
    if (token === undefined) throw new Error(`photoferry serve printed no setup token:\n${log()}`);
    return token;
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  // tsx compiles the server on first start, which takes a few seconds on a busy machine.
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`photoferry serve exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, child, log, stop, setupToken };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  throw new Error(`photoferry serve did not answer /healthz within ${timeoutMs} ms:\n${log()}`);
}
