/** @module A run owner's identity: a fresh id per opened catalog, its host and PID, and the machine its PID is meaningful on. */
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface OwnerIdentity {
  readonly id: string;
  readonly host: string;
  /**
   * Linux boot id + PID namespace: two owners with the same node see the same PIDs, so one can tell the other is dead
   * (its PID gone) without waiting for its lease. Null where this cannot be known.
   */
  readonly node: string | null;
  readonly pid: number;
  readonly startedAt: number;
}

function nodeOfThisProcess(): string | null {
  try {
    return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return null;
  }
}

const node = nodeOfThisProcess();

/**
 * A new owner for one opened catalog (a process opens one; tests that run two servers in one process get two owners,
 * as two processes would).
 */
export function newOwnerIdentity(): OwnerIdentity {
  return { id: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, host: hostname(), node, pid: process.pid, startedAt: Date.now() };
}

