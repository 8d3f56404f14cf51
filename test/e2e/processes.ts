/** @module Process-tree helpers for the e2e tests: a process's descendants (from /proc) and whether a pid still runs. */
import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of every running process, read from /proc/<pid>/stat (the field after the parenthesised name). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

/** Every process below `pid` (children, grandchildren …). */
export function descendantsOf(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [child, parent] of parents()) byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  const out: number[] = [];
  const walk = (p: number) => { for (const c of byParent.get(p) ?? []) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

/** Still running (a zombie waiting for its reaper counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export const commandLineOf = (pid: number): string => {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(); } catch { return ''; }
};
