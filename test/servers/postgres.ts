/**
 * @module PostgreSQL 15 (Debian's `postgresql` package) for tests: initdb into a temp dir, postmaster on 127.0.0.1 with
 * its socket in that dir, a fresh database per caller, restart on the same data (for outage tests), stop by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './loopback-port.ts';

const BIN = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((d) => existsSync(join(d, 'postgres')));

/** Why PostgreSQL tests cannot run here, or null when they can. */
export const postgresMissing = (): string | null =>
  (BIN === undefined ? 'PostgreSQL server binaries not found (apt-get install postgresql; scripts/setup.sh installs it)' : null);

export interface PostgresServer {
  /** postgres://photoferry@127.0.0.1:PORT/<name>, created empty on first call. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (connections dropped) and a start on the same port and data, as an outage of `downMs`. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user. */
function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(): Promise<PostgresServer> {
  if (BIN === undefined) throw new Error(postgresMissing()!);
  const dir = mkdtempSync(join(tmpdir(), 'pf-postgres-'));
  const user = owner();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const init = spawnSync(join(BIN, 'initdb'), ['-D', data, '-U', 'photoferry', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync'],
    { encoding: 'utf8', ...user });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  const admin = () => `postgres://photoferry@127.0.0.1:${port}/postgres`;

  const launch = async () => {
    // fsync off: a test cluster need not survive a power cut, and a loaded CI machine should not wait on disks.
    const args = ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off', '-c', 'max_connections=300', '-c', 'shared_buffers=32MB'];
    const c = spawn(join(BIN, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
    c.stdout?.on('data', (b: Buffer) => { log += b.toString(); });
    c.stderr?.on('data', (b: Buffer) => { log += b.toString(); });
    child = c;
    await untilReady(c, admin(), () => log);
  };
  const halt = async () => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    process.kill(c.pid, 'SIGINT'); // fast shutdown: clients are disconnected, not waited for
    await exited;
  };
  const killOnExit = () => { if (child?.pid !== undefined) child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); };
  process.once('exit', killOnExit);
  try {
    await launch();
  } catch (err) {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', killOnExit);
    throw err;
  }

  return {
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: admin() });
      await client.connect();
      try {
        await client.query(`create database "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://photoferry@127.0.0.1:${port}/${name}`;
    },
    async restart(downMs = 0) {
      await halt();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await halt();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The port opens before the server accepts sessions ("starting up"): ready means a query answers. */
async function untilReady(child: ChildProcess, url: string, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept sessions within ${timeoutMs} ms:\n${log()}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}
