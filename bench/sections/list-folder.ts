/** @module Listing speed of the folder source (walk + grouping + capture dates), in this process. */
import { FolderSource } from '../../src/sources/folder/folder-source.ts';
import { silentLogger } from '../../src/connectors/context.ts';
import type { BenchContext, Row, Section } from '../lib/types.ts';

async function listOnce(dir: string): Promise<{ seconds: number; assets: number }> {
  const source = new FolderSource({ path: dir, foldersAsAlbums: true, pageSize: 500, concurrency: 16 }, silentLogger);
  const started = performance.now();
  let assets = 0;
  try {
    for await (const page of source.changes(null, new AbortController().signal)) assets += page.upserts.length;
  } finally {
    await source.close();
  }
  return { seconds: (performance.now() - started) / 1000, assets };
}

async function run(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const name of ['small', 'mixed'] as const) {
    const lib = await ctx.library(name);
    let last = { seconds: 0, assets: 0 };
    for (let i = 0; i < ctx.runs; i++) last = await listOnce(lib.dir);
    rows.push({
      section: 'list-folder', what: `list ${name} library (${lib.files} files → ${last.assets} assets)`, tool: 'folder source',
      seconds: last.seconds, itemsPerSec: last.assets / last.seconds, note: `in-process, warm cache, run ${ctx.runs} of ${ctx.runs}`,
    });
  }
  return rows;
}

export const listFolder: Section = { name: 'list-folder', description: 'folder source listing speed (assets/s)', run };
