/** @module Use case: write a sample photo library (for demos, trying destinations out, benchmarks). */
import { generateSampleLibrary, type SampleLibrary, type SampleOptions } from '../sample/index.ts';
import { UsageError } from '../core/usage-error.ts';

export type SampleSize = 'small' | 'bench';

const MB = 1_000_000;

/** `small`: ~60 assets, a few MB, seconds. `bench`: ~3.9 GB of 2–6 MB photos and 100–800 MB videos. */
export const SAMPLE_PRESETS: Record<SampleSize, Omit<SampleOptions, 'dir'>> = {
  small: { photos: 40, videos: 4, livePhotos: 8, rawPairs: 3, screenshots: 3, edited: 4 },
  bench: {
    photos: 300, videos: 4, livePhotos: 40, rawPairs: 10, screenshots: 5, edited: 10,
    photoBytes: [2 * MB, 6 * MB], videoBytes: [100 * MB, 800 * MB], liveVideoBytes: [1 * MB, 4 * MB], rawBytes: [8 * MB, 20 * MB],
  },
};

export interface SampleRequest {
  readonly dir: string;
  readonly size?: string;
  readonly seed?: string;
  readonly photos?: number;
  readonly videos?: number;
}

export type SampleSummary = Omit<SampleLibrary, 'assets'> & { readonly assetCount: number };

export async function createSampleLibrary(req: SampleRequest): Promise<SampleSummary> {
  const size = req.size ?? 'small';
  if (size !== 'small' && size !== 'bench') throw new UsageError(`--size must be small or bench, not "${size}"`);
  for (const [name, n] of [['photos', req.photos], ['videos', req.videos]] as const) {
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new UsageError(`--${name} must be a whole number ≥ 0`);
  }
  const { assets, ...rest } = await generateSampleLibrary({
    ...SAMPLE_PRESETS[size],
    dir: req.dir,
    seed: req.seed ?? 1,
    ...(req.photos !== undefined ? { photos: req.photos } : {}),
    ...(req.videos !== undefined ? { videos: req.videos } : {}),
  });
  return { ...rest, assetCount: assets.length };
}
