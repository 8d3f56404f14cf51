/** @module CPU seconds from /proc (Linux): a running process's own, and what this process's reaped children used. */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on (getconf CLK_TCK)

/** Fields after the parenthesised command name of /proc/<pid>/stat (utime is index 11, cutime 13). */
function statFields(pid: number | 'self'): number[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
}

/** User + system CPU seconds a running process has used itself (0 once it is gone). */
export function cpuSecondsOf(pid: number): number {
  try {
    const f = statFields(pid);
    return (f[11]! + f[12]!) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** User + system CPU seconds of every child this process has waited for (and their waited-for children). */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self');
  return (f[13]! + f[14]!) / TICKS_PER_SECOND;
}

/** A running process's peak resident memory (VmHWM) in MB, 0 once it is gone. */
export function peakRssMbOf(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
