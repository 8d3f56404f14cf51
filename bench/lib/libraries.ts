/** @module Bench libraries: generated once under .bench/ and reused while their generator options are unchanged. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSampleLibrary, type SampleOptions } from '../../src/sample/index.ts';
import { SAMPLE_PRESETS } from '../../src/app/sample.ts';
import type { Library } from './types.ts';

export const LIBRARY_OPTIONS: Record<'mixed' | 'small', Omit<SampleOptions, 'dir'>> = {
  mixed: { ...SAMPLE_PRESETS.bench, seed: 'bench-1' },
  small: { seed: 'bench-1', photos: 0, videos: 0, livePhotos: 0, rawPairs: 0, screenshots: 0, edited: 0, smallFiles: 10_000 },
};

// starts with ".photoferry" so the folder source (and so the benchmark) never lists it
const MARKER = '.photoferry-bench.json';

export async function ensureLibrary(work: string, name: 'mixed' | 'small', log: (m: string) => void): Promise<Library> {
  const dir = join(work, 'libraries', name);
  const options = LIBRARY_OPTIONS[name];
  const key = JSON.stringify(options);
  try {
    const cached = JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as { key: string; library: Library };
    if (cached.key === key) return cached.library;
  } catch {
    // not generated yet
  }
  log(`generating the ${name} library in ${dir} (once; cached for later runs)`);
  await rm(dir, { recursive: true, force: true });
  const lib = await generateSampleLibrary({ ...options, dir });
  const library: Library = { dir, files: lib.files, bytes: lib.bytes, assets: lib.assets.length };
  log(`  ${lib.files} files, ${(lib.bytes / 1e9).toFixed(2)} GB in ${(lib.durationMs / 1000).toFixed(1)} s `
    + `(${(lib.bytes / 1e6 / (lib.durationMs / 1000)).toFixed(0)} MB/s)`);
  await writeFile(join(dir, MARKER), JSON.stringify({ key, library, generatedInMs: lib.durationMs }));
  return library;
}
