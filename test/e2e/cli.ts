/** @module Runs the real photoferry binary for end-to-end tests, each test with its own PHOTOFERRY_HOME. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { tempDir } from '../temp-dir.ts';

export const BIN = resolve(import.meta.dirname, '../../bin/photoferry.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Removed when the process exits (see tempDir), so a test need not remove it itself. */
export async function tempHome(prefix = 'pf-e2e-'): Promise<string> {
  return tempDir(prefix);
}

export function startCli(args: string[], env: Record<string, string>, input?: string): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, PHOTOFERRY_PASSPHRASE: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end(input ?? '');
  return child;
}

export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = startCli(args, env, input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** What photoferry writes beside the copied originals: sidecars, album manifests/folders, the library manifest. */
export const isDerivedOutput = (rel: string): boolean =>
  /\.(xmp|json)$/i.test(rel) || rel === 'photoferry-manifest.jsonl' || rel.startsWith('albums/');

/**
 * Every regular file under `dir` (relative path → sha256), skipping photoferry's own hidden folder and,
 * unless `derived`, the files photoferry derives (sidecars, album manifests, library manifest).
 */
export async function hashTree(dir: string, options: { includeHidden?: boolean; derived?: boolean } = {}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (!options.includeHidden && entry.name.startsWith('.photoferry')) continue;
      if (!options.derived && !entry.isDirectory() && isDerivedOutput(relative(dir, join(d, entry.name)))) continue;
      if (!options.derived && entry.isDirectory() && relative(dir, join(d, entry.name)) === 'albums') continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.set(relative(dir, full), createHash('sha256').update(await readFile(full)).digest('hex'));
    }
  };
  await walk(dir);
  return out;
}

export const sortedValues = (m: Map<string, string>): string[] => [...m.values()].sort();
