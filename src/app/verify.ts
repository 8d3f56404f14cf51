/** @module verify: checks that what the catalog says a destination holds is there, and (deep) that its bytes hash right. */
import { createHash } from 'node:crypto';
import type { Placement } from '../destinations/destination.ts';
import type { AppContext } from './context.ts';
import { openDestination } from './connect.ts';

export interface VerifyProblem {
  readonly path: string;
  readonly problem: 'missing' | 'size-mismatch' | 'hash-mismatch' | 'unreadable';
  readonly detail: string;
}

export interface VerifyReport {
  readonly destinationId: string;
  readonly checked: number;
  readonly bytes: number;
  readonly deep: boolean;
  readonly problems: readonly VerifyProblem[];
}

export async function verifyDestination(
  ctx: AppContext, spec: string, options: { deep: boolean; onProgress?: (checked: number, total: number) => void }, signal: AbortSignal,
): Promise<VerifyReport> {
  const destination = await openDestination(ctx, spec);
  try {
    const placements = await ctx.catalog.placements(destination.id);
    const deep = options.deep && destination.read !== undefined;
    const problems: VerifyProblem[] = [];
    let checked = 0;
    let bytes = 0;
    const check = async (p: Placement) => {
      const stored = await destination.stat(p.path, signal);
      if (!stored) return problems.push({ path: p.path, problem: 'missing', detail: 'not at the destination' });
      if (stored.size !== p.size) return problems.push({ path: p.path, problem: 'size-mismatch', detail: `${stored.size} bytes, expected ${p.size}` });
      if (!deep) return;
      try {
        const hash = createHash('sha256');
        for await (const chunk of await destination.read!(p.path, signal)) { hash.update(chunk as Buffer); bytes += (chunk as Buffer).length; }
        const got = hash.digest('hex');
        if (got !== p.sha256) problems.push({ path: p.path, problem: 'hash-mismatch', detail: `sha256 ${got.slice(0, 12)}…, expected ${p.sha256.slice(0, 12)}…` });
      } catch (err) {
        problems.push({ path: p.path, problem: 'unreadable', detail: err instanceof Error ? err.message : String(err) });
      }
    };
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < placements.length) {
        const p = placements[next++]!;
        await check(p);
        checked += 1;
        options.onProgress?.(checked, placements.length);
      }
    }));
    problems.sort((a, b) => a.path.localeCompare(b.path));
    return { destinationId: destination.id, checked, bytes, deep, problems };
  } finally {
    await destination.close();
  }
}
