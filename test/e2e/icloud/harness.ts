/** @module iCloud end-to-end harness: the Apple simulator in-process, the real binary signed in to it (2FA code typed at the prompt), and checks against the simulator's SHA-256s. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { join } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/simulator/server.ts';
import type { RoleName } from '../../../src/simulator/roles.ts';
import type { ResourceSpec } from '../../../src/simulator/library/generate.ts';
import type { AccountFaults } from '../../../src/simulator/auth/state.ts';
import { BIN, runCli, tempHome, type CliResult } from '../cli.ts';

export const REMOTE = 'ic';

export interface IcloudWorld {
  readonly sim: Simulator;
  readonly home: string;
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A simulator plus a PHOTOFERRY_HOME with an icloud remote pointing at it. `remoteOptions` are extra
 * `key=value` remote options; tests pass `minRequestIntervalMs=0` because the default 20 ms spacing
 * (meant for Apple's metadata API) also spaces downloads and caps tiny test files at 50 per second.
 */
export async function startWorld(options: SimulatorOptions, remoteOptions: readonly string[] = []): Promise<IcloudWorld> {
  const sim = await startSimulator(options);
  const home = await tempHome('pf-icloud-');
  const env = { PHOTOFERRY_HOME: join(home, 'home'), PHOTOFERRY_PASSPHRASE: 'e2e-vault-passphrase' };
  const added = await runCli(['remote', 'add', REMOTE, 'icloud', `appleId=${sim.account.appleId}`, `authUrl=${sim.authUrl}`, `setupUrl=${sim.setupUrl}`, ...remoteOptions], env);
  if (added.code !== 0) { await sim.stop(); throw new Error(`remote add failed: ${added.stderr}`); }
  // stop() also removes the home: a 100k bench world leaves a quarter of a million files behind otherwise.
  return { sim, home, env, stop: async () => { await sim.stop(); await rm(home, { recursive: true, force: true }); } };
}

/**
 * Another Apple account on the same simulator, with its own fault knobs and its own PHOTOFERRY_HOME (vault, catalog),
 * so cases can run side by side. Its config is the world's (written by the real `remote add`) with the Apple ID swapped.
 */
export async function accountWorld(world: IcloudWorld, appleId: string, faults: Partial<AccountFaults> = {}): Promise<IcloudWorld & { readonly appleId: string }> {
  await world.sim.auth.addAccount({ appleId, password: world.sim.account.password, faults });
  const home = await tempHome('pf-icloud-acct-');
  const env = { PHOTOFERRY_HOME: join(home, 'home'), PHOTOFERRY_PASSPHRASE: world.env.PHOTOFERRY_PASSPHRASE! };
  const config = parse(await readFile(join(world.env.PHOTOFERRY_HOME!, 'config.yaml'), 'utf8')) as { remotes: Record<string, { appleId: string }> };
  config.remotes[REMOTE]!.appleId = appleId;
  await mkdir(env.PHOTOFERRY_HOME, { recursive: true });
  await writeFile(join(env.PHOTOFERRY_HOME, 'config.yaml'), stringify(config), { mode: 0o600 });
  return { sim: world.sim, home, env, appleId, stop: () => rm(home, { recursive: true, force: true }) };
}

/**
 * Runs the CLI and types `answer()` on its stdin each time stderr shows `prompt`, as a user at the terminal
 * would; stdin closes after the child exits or after the first answer when `closeAfterAnswer`.
 */
export function runCliTyping(args: readonly string[], env: Record<string, string>, prompt: RegExp, answer: () => string | undefined): Promise<CliResult & { prompted: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let prompted = 0;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // A prompt may arrive split across chunks: test what has arrived since the last answer.
      if (prompt.test(stderr.split('\n').slice(-2).join('\n')) && prompted < 5) {
        prompted++;
        stderr += '\n';
        child.stdin.write(`${answer() ?? ''}\n`);
      }
    });
    child.stdin.on('error', () => { /* the child may exit before reading */ });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, prompted }));
  });
}

/** `photoferry auth icloud ic` with the password from the environment and the 2FA code the simulator "sent" typed at the prompt. */
export function signIn(world: IcloudWorld & { readonly appleId?: string }, code: () => string | undefined = () => world.sim.auth.lastCode(world.appleId ?? world.sim.account.appleId), password = world.sim.account.password) {
  return runCliTyping(['auth', 'icloud', REMOTE], { ...world.env, PHOTOFERRY_ICLOUD_PASSWORD: password }, /Verification code: ?$/, code);
}

export interface JsonEvent { readonly type: string; readonly [key: string]: unknown }
export const jsonEvents = (stdout: string): JsonEvent[] =>
  stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JsonEvent);

export interface RunSummary { assets: number; files: { copied: number; present: number; removed: number; failed: number; filtered: number }; bytes: number; status: string }
export function summaryOf(stdout: string): RunSummary {
  const finished = jsonEvents(stdout).find((e) => e.type === 'finished');
  if (finished === undefined) throw new Error(`no "finished" event in:\n${stdout.slice(-2000)}`);
  return finished.summary as RunSummary;
}

const ROLE_OF_FIELD: Readonly<Record<ResourceSpec['field'], RoleName>> = {
  resOriginal: 'original', resOriginalAlt: 'raw', resOriginalVidCompl: 'live-video', resJPEGFull: 'edited', resVidFull: 'edited',
};

export interface ExpectedResource { readonly assetId: string; readonly role: RoleName; readonly sha256: string }

/** Every resource of every asset in the library that is not in Recently Deleted, with the SHA-256 a download returns now. */
export function expectedResources(sim: Simulator): ExpectedResource[] {
  const lib = sim.state.library;
  const out: ExpectedResource[] = [];
  for (let i = 0; i < lib.size; i++) {
    const a = lib.asset(i);
    if (a.deletedAt !== undefined || a.purged) continue;
    for (const r of a.resources) {
      const role = ROLE_OF_FIELD[r.field];
      out.push({ assetId: a.assetName, role, sha256: sim.state.sha256Of(a.assetName, role)! });
    }
  }
  return out;
}

export interface PlacedFile { readonly assetId: string; readonly role: string; readonly path: string }

/** The files photoferry says it holds, from the destination's library manifest (one line per asset after the header). */
export async function manifestFiles(dir: string): Promise<PlacedFile[]> {
  const lines = (await readFile(join(dir, 'photoferry-manifest.jsonl'), 'utf8')).trim().split('\n').slice(1);
  return lines.flatMap((line) => {
    const entry = JSON.parse(line) as { assetId: string; files: { role: string; path: string }[] };
    return entry.files.map((f) => ({ assetId: entry.assetId, role: f.role, path: f.path }));
  });
}

export const sha256File = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

/**
 * Compares the destination with the simulator: each expected resource is present exactly once and hashes as
 * the simulator says. Returns the problems (empty when all is well) so a failure lists every mismatch.
 */
export async function compareWithSimulator(dir: string, sim: Simulator): Promise<{ problems: string[]; files: number; expected: number }> {
  const placed = await manifestFiles(dir);
  const expected = expectedResources(sim);
  const byKey = new Map<string, PlacedFile[]>();
  for (const p of placed) byKey.set(`${p.assetId}/${p.role}`, [...(byKey.get(`${p.assetId}/${p.role}`) ?? []), p]);
  const problems: string[] = [];
  for (const e of expected) {
    const at = byKey.get(`${e.assetId}/${e.role}`) ?? [];
    if (at.length !== 1) { problems.push(`${e.assetId} ${e.role}: ${at.length} copies`); continue; }
    const got = await sha256File(join(dir, at[0]!.path)).catch(() => 'missing');
    if (got !== e.sha256) problems.push(`${e.assetId} ${e.role} at ${at[0]!.path}: sha256 ${got} ≠ simulator ${e.sha256}`);
  }
  const known = new Set(expected.map((e) => `${e.assetId}/${e.role}`));
  for (const p of placed) if (!known.has(`${p.assetId}/${p.role}`)) problems.push(`unexpected ${p.role} of ${p.assetId} at ${p.path}`);
  return { problems, files: placed.length, expected: expected.length };
}

/** CloudKit requests served so far, in total and by operation (a snapshot, for deltas around one run). */
export function ckRequests(sim: Simulator): { total: number; byOp: Record<string, number> } {
  return { total: sim.state.requests.cloudkit, byOp: Object.fromEntries(sim.state.requests.byOp) };
}

export function ckDelta(before: ReturnType<typeof ckRequests>, after: ReturnType<typeof ckRequests>): { total: number; byOp: Record<string, number> } {
  const byOp: Record<string, number> = {};
  for (const [op, n] of Object.entries(after.byOp)) if (n - (before.byOp[op] ?? 0) > 0) byOp[op] = n - (before.byOp[op] ?? 0);
  return { total: after.total - before.total, byOp };
}
