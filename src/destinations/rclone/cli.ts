/** @module Runs the rclone CLI as a child process: clean env, common flags, captured stderr, abort = kill. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RcloneRunner {
  readonly binary: string;
  readonly configFile?: string | undefined;
}

export interface RcloneResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The child's environment: the user's, so `RCLONE_CONFIG_*` remotes and proxies work, minus
 * AWS_CA_BUNDLE, which rclone's S3 backend reads and which breaks plain-http or self-signed endpoints
 * it was never meant for (it is set system-wide on some machines for the AWS CLI).
 */
export function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AWS_CA_BUNDLE;
  return env;
}

/** Flags on every call: one attempt (the engine retries by error kind), errors only on stderr. */
export const commonFlags = (r: RcloneRunner): string[] =>
  ['--retries', '1', '--log-level', 'ERROR', ...(r.configFile ? ['--config', r.configFile] : [])];

/** Starts rclone; the caller owns stdin/stdout. Abort kills the process. */
export function spawnRclone(r: RcloneRunner, args: readonly string[], signal: AbortSignal, stdin: 'pipe' | 'ignore' = 'ignore'): ChildProcess {
  return spawn(r.binary, [...args, ...commonFlags(r)], { env: childEnv(), stdio: [stdin, 'pipe', 'pipe'], signal, killSignal: 'SIGTERM' });
}

/** Waits for exit, collecting stderr (and stdout unless the caller streams it). Spawn failures reject. */
export function finished(child: ChildProcess, collectStdout = true): Promise<RcloneResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    if (collectStdout) child.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function runRclone(r: RcloneRunner, args: readonly string[], signal: AbortSignal): Promise<RcloneResult> {
  return finished(spawnRclone(r, args, signal));
}
