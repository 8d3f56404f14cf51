/**
 * @module For end-to-end tests of a cluster: a home for servers and workers on one catalog, `photoferry worker`
 * processes (start one, resolving its id once it claims jobs; stop them all), and waiting for a condition.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli } from './cli.ts';

/**
 * A temp dir with a `home` (config allowing the dir to the dashboard) and a `photos` folder holding one file, and the
 * environment every server and worker of the cluster shares (catalog at `catalogUrl`).
 */
export async function clusterHome(prefix: string, catalogUrl: string, photo: string): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  await mkdir(home, { mode: 0o700 });
  await mkdir(join(dir, 'photos'));
  await writeFile(join(dir, 'photos', 'a.jpg'), photo);
  await writeFile(join(home, 'config.yaml'), `server:\n  allowedRoots:\n    - ${dir}\n`, { mode: 0o600 });
  return { dir, env: { PHOTOFERRY_HOME: home, PHOTOFERRY_PASSPHRASE: 'e2e vault passphrase', PHOTOFERRY_CATALOG_URL: catalogUrl } };
}

export interface Worker { child: ChildProcess; id: Promise<string>; exited: Promise<void> }

export function startWorker(env: Record<string, string>, args: readonly string[] = ['--jobs', '2', '--concurrency', '4']): Worker {
  const child = startCli(['worker', ...args], env);
  let err = '';
  const id = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /worker (\S+) ready/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready:\n${err}`)));
  });
  id.catch(() => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, id, exited };
}

export async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

/** Polls `check` every 200 ms until it holds; past `timeoutMs` throws, with `explain()` in the message. */
export const until = async (what: string, check: () => Promise<boolean>, timeoutMs: number, explain: () => Promise<string> = async () => '') => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${await explain()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};
