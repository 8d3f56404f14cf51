/** @module verify: checks that what the catalog says a destination holds is there, and (deep) that its bytes hash right. */
import { createHash } from 'node:crypto';
import type { Asset } from '../core/asset.ts';
import { CountsBuilder, isOriginalRole, type Counts } from '../core/counts.ts';
import { TransferError } from '../core/transfer-error.ts';
import type { Placement } from '../destinations/destination.ts';
import { localTimeOf } from '../engine/derived/metadata.ts';
import type { AppContext } from './context.ts';
import { openDestination } from './connect.ts';

export interface VerifyProblem {
  readonly path: string;
  readonly problem: 'missing' | 'size-mismatch' | 'hash-mismatch' | 'unreadable';
  readonly detail: string;
}

/** Fidelity of one year or album: files and bytes the catalog recorded, and how many of them are missing or wrong. */
export interface FidelityBucket { files: number; bytes: number; missing: number; mismatched: number }

export interface VerifyReport {
  readonly destinationId: string;
  /** What the catalog records at this destination, labelled; the same definition copy and plan count with. */
  readonly counts: Counts;
  /** Bytes re-read and hashed (--deep). */
  readonly bytesRead: number;
  readonly deep: boolean;
  readonly problems: readonly VerifyProblem[];
  /** Per capture year (camera's local time) and per album path ("(no album)" for the rest). */
  readonly byYear: Record<string, FidelityBucket>;
  readonly byAlbum: Record<string, FidelityBucket>;
}

async function assetsOf(ctx: AppContext, placements: readonly Placement[]): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  for (const sourceId of new Set(placements.map((p) => p.sourceId))) {
    for (const a of await ctx.catalog.assets(sourceId)) out.set(`${sourceId}\u0000${a.id}`, a);
  }
  return out;
}

function bucketize(placements: readonly Placement[], assets: ReadonlyMap<string, Asset>, problems: readonly VerifyProblem[]) {
  const byYear: Record<string, FidelityBucket> = {};
  const byAlbum: Record<string, FidelityBucket> = {};
  const problemAt = new Map(problems.map((p) => [p.path, p.problem]));
  const add = (map: Record<string, FidelityBucket>, key: string, p: Placement) => {
    const b = (map[key] ??= { files: 0, bytes: 0, missing: 0, mismatched: 0 });
    b.files += 1;
    b.bytes += p.size;
    const problem = problemAt.get(p.path);
    if (problem === 'missing') b.missing += 1;
    else if (problem) b.mismatched += 1;
  };
  for (const p of placements) {
    const asset = assets.get(`${p.sourceId}\u0000${p.assetId}`);
    add(byYear, asset ? localTimeOf(asset).slice(0, 4) : 'unknown', p);
    const albums = asset?.albums.map((a) => a.path.join('/')) ?? [];
    for (const album of albums.length > 0 ? albums : ['(no album)']) add(byAlbum, album, p);
  }
  return { byYear, byAlbum };
}

export async function verifyDestination(
  ctx: AppContext, spec: string, options: { deep: boolean; onProgress?: (checked: number, total: number) => void }, signal: AbortSignal,
): Promise<VerifyReport> {
  const destination = await openDestination(ctx, spec);
  try {
    const placements = await ctx.catalog.placements(destination.id);
    const manifests = Object.keys((await ctx.catalog.state(`fidelity:${destination.id}`).get<Record<string, string>>('library-files')) ?? {});
    if (placements.length === 0 && manifests.length === 0) {
      throw new TransferError('not-found', `nothing recorded for ${destination.id}: photoferry has not copied anything there (or used another catalog)`, { connector: 'verify' });
    }
    const deep = options.deep && destination.read !== undefined;
    const problems: VerifyProblem[] = [];
    const counts = new CountsBuilder();
    let done = 0;
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
        counts.add(isOriginalRole(p.role) ? `${p.sourceId}\u0000${p.assetId}` : null, p.role, p.size);
        options.onProgress?.(++done, placements.length + manifests.length);
      }
    }));
    // Library and album manifests are recorded by path only; their size is what the destination holds.
    for (const path of manifests) {
      const stored = await destination.stat(path, signal);
      if (!stored) problems.push({ path, problem: 'missing', detail: 'not at the destination' });
      counts.addManifest(stored?.size ?? 0);
      options.onProgress?.(++done, placements.length + manifests.length);
    }
    const missing = problems.filter((p) => p.problem === 'missing').length;
    if (missing === placements.length + manifests.length) {
      throw new TransferError('not-found', `nothing recorded for ${destination.id} is there: the catalog lists ${missing} files but the destination is empty or gone`, { connector: 'verify' });
    }
    problems.sort((a, b) => a.path.localeCompare(b.path));
    const buckets = bucketize(placements, await assetsOf(ctx, placements), problems);
    return { destinationId: destination.id, counts: counts.build(), bytesRead: bytes, deep, problems, ...buckets };
  } finally {
    await destination.close();
  }
}
