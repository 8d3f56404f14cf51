/** @module Writes a planned sample library to disk: real bytes, mtimes set to the capture time, bounded concurrency. */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { planLibrary, type PlannedAsset, type PlannedFile, type SampleOptions } from './plan.ts';
import { ByteStream } from './prng.ts';
import { aaeText, pngBytes, writeDng, writeHeic, writeJpeg } from './images.ts';
import { writeMovie } from './quicktime.ts';

export interface SampleLibrary {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
  readonly durationMs: number;
  /** One entry per asset, as a folder source should list it. */
  readonly assets: readonly PlannedAsset[];
}

async function writeFile(root: string, seed: string | number, f: PlannedFile): Promise<number> {
  const path = join(root, f.path);
  const bytes = new ByteStream(seed, f.path);
  const fh = await open(path, 'w');
  try {
    switch (f.type) {
      case 'jpeg': await writeJpeg(fh, f.meta, f.size, bytes); break;
      case 'heic': await writeHeic(fh, f.meta, f.size, bytes); break;
      case 'dng': await writeDng(fh, f.meta, f.size, bytes); break;
      case 'png': await fh.write(pngBytes(f.meta, f.path.length)); break;
      case 'aae': await fh.write(aaeText(f.path)); break;
      case 'mov': case 'mp4':
        await writeMovie(fh, { takenAt: f.meta.takenAt, container: f.type, durationSeconds: f.role === 'live-video' ? 3 : 20 }, f.size, bytes);
        break;
    }
    await fh.utimes(f.meta.takenAt, f.meta.takenAt);
    return (await fh.stat()).size;
  } finally {
    await fh.close();
  }
}

/**
 * Generates a deterministic photo library under `dir` (created if missing; existing files of the same
 * names are overwritten, others left alone). The same options always give byte-identical files.
 */
export async function generateSampleLibrary(options: SampleOptions): Promise<SampleLibrary> {
  const started = performance.now();
  const assets = planLibrary(options);
  const files = assets.flatMap((a) => a.files);
  const dirs = new Set(files.map((f) => dirname(join(options.dir, f.path))));
  for (const d of dirs) await mkdir(d, { recursive: true });

  const seed = options.seed ?? 1;
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      const written = await writeFile(options.dir, seed, f);
      bytes += written; // not `bytes += await …`: that reads `bytes` before the await and loses updates
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return { dir: options.dir, files: files.length, bytes, durationMs: performance.now() - started, assets };
}
