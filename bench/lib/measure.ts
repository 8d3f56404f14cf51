/** @module Runs a command and samples its process tree's memory from /proc (Linux), since cp and node both need it. */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface Measured {
  readonly seconds: number;
  readonly code: number;
  /** Largest sum of VmRSS over the process and its descendants seen at one sample (every 50 ms). */
  readonly peakTreeRssMb: number;
  /** The main process's own high-water mark (VmHWM), which sampling cannot miss. */
  readonly peakMainRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited between listing and reading
  }
}

function tree(pid: number): number[] {
  const out = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const k of kids ? kids.split(/\s+/) : []) out.push(...tree(Number(k)));
    }
  } catch {
    // gone
  }
  return out;
}

export async function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let peakTree = 0, peakMain = 0;
  const sample = () => {
    if (child.pid === undefined) return;
    peakTree = Math.max(peakTree, tree(child.pid).reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0));
    peakMain = Math.max(peakMain, statusKb(child.pid, 'VmHWM'));
  };
  const timer = setInterval(sample, 50);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c) => { resolve(c ?? 1); });
  });
  clearInterval(timer);
  return {
    seconds: (performance.now() - started) / 1000, code,
    peakTreeRssMb: peakTree / 1024, peakMainRssMb: Math.max(peakMain, peakTree) / 1024, stdout, stderr,
  };
}

/** Runs `sync` so dirty pages of the previous run are not flushed on the next one's clock. */
export const flush = () => measure('sync', []);
