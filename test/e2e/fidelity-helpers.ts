/** @module Shared set-up of the fidelity end-to-end tests: a simulator-backed iCloud source, local destinations, a copy. */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AppContext } from '../../src/app/context.ts';
import { copyBetween, type CopyResult, type FidelityOptions } from '../../src/app/copy.ts';
import { memoryState, silentLogger } from '../../src/connectors/context.ts';
import type { Destination } from '../../src/destinations/destination.ts';
import { createFileDestination } from '../../src/destinations/file-destination.ts';
import { createLocalStore } from '../../src/destinations/local/local-store.ts';
import type { ManifestEntry } from '../../src/engine/derived/library-model.ts';
import { IcloudSource } from '../../src/sources/icloud/icloud-source.ts';
import { Pacer } from '../../src/sources/icloud/pacer.ts';
import type { Source } from '../../src/sources/source.ts';
import type { Simulator } from '../../src/simulator/server.ts';
import { simSession } from '../../src/simulator/testing/sim-session.ts';

const signal = () => AbortSignal.timeout(120_000);

/** The source keeps its album tree in connector state between runs, as `openSource` gives it from the catalog. */
export function icloudSource(sim: Simulator, state = memoryState()): Source {
  return new IcloudSource({
    appleId: sim.account.appleId, state, log: silentLogger, signIn: () => simSession(sim),
    pacer: new Pacer({ maxConcurrency: 6, minIntervalMs: 0, baseBackoffMs: 5, maxBackoffMs: 40, calmAfter: 5 }),
    downloads: { stallMs: 2000 },
  });
}

export const localDestination = (dir: string): Destination =>
  createFileDestination(`local:${dir}`, createLocalStore({ root: dir, durability: 'run' }));

export async function copy(ctx: AppContext, source: Source, destination: Destination, fidelity: FidelityOptions): Promise<CopyResult> {
  const result = await copyBetween(ctx.catalog, source, destination, {
    command: 'copy', template: '{yyyy}/{mm}/{dd}/{filename}', concurrency: 4, fidelity,
  }, signal());
  assert.equal(result.fatal, undefined, result.fatal?.message);
  return result;
}

export async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.filter((p) => !p.startsWith('.photoferry')).sort();
}

export const readManifest = async (dir: string): Promise<ManifestEntry[]> =>
  (await readFile(join(dir, 'photoferry-manifest.jsonl'), 'utf8')).trim().split('\n').slice(1).map((l) => JSON.parse(l) as ManifestEntry);

