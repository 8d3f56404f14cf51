/** @module The seeded library: what asset #i is (kind, dates, sizes, flags), computed on demand so 100k assets cost no memory. */
import { checksumId, mix, unit, uuidOf } from './hash.ts';
import type { MediaFormat } from './media-bytes.ts';
import { ageYears, captureTime, HEIC_SINCE, LIVE_SINCE, sizeFactor, videoShare } from './timeline.ts';

export type AssetShape = 'heic' | 'jpeg' | 'screenshot' | 'video' | 'live-heic' | 'live-jpeg' | 'raw-jpeg' | 'panorama';

export interface LibraryOptions {
  readonly seed: number;
  readonly assets: number;
  /** Mean original size in bytes (photos); videos are 8× larger. Default 24 KiB: tests stay fast. */
  readonly meanSize?: number;
  /** Put about 1 in 12 assets into a Shared Library zone. */
  readonly sharedLibrary?: boolean;
  /** Newest capture time (default 2025-06-01); the library reaches back about ten years from it (timeline.ts). */
  readonly newest?: Date;
}

export interface ResourceSpec {
  readonly field: 'resOriginal' | 'resOriginalAlt' | 'resOriginalVidCompl' | 'resJPEGFull' | 'resVidFull';
  readonly uti: string;
  readonly format: MediaFormat;
  readonly size: number;
  readonly width: number;
  readonly height: number;
}

export interface AssetSpec {
  readonly index: number;
  readonly shape: AssetShape;
  readonly zone: 'primary' | 'shared';
  readonly assetName: string;
  readonly masterName: string;
  readonly filename: string;
  readonly assetDate: number;
  readonly addedDate: number;
  readonly tzOffsetSec: number;
  readonly favorite: boolean;
  readonly hidden: boolean;
  readonly edited: boolean;
  readonly burstId?: string;
  readonly location?: { lat: number; lon: number; alt: number };
  readonly durationSec: number;
}

const SHAPES: readonly [AssetShape, number][] = [
  ['heic', 0.4], ['jpeg', 0.16], ['screenshot', 0.06], ['video', 0.1], ['live-heic', 0.16],
  ['live-jpeg', 0.04], ['raw-jpeg', 0.04], ['panorama', 0.04],
];

const DEFAULT_NEWEST = Date.UTC(2025, 5, 1, 12);
export const newestOf = (opts: LibraryOptions): number => opts.newest?.getTime() ?? DEFAULT_NEWEST;

/** The mix above, with videos more common in recent years and formats only from when phones made them. */
function shapeOf(seed: number, i: number, assetDate: number, age: number): AssetShape {
  if (unit(seed, i, 15) < videoShare(age)) return 'video';
  let r = unit(seed, i, 1) * (1 - SHAPES.find(([s]) => s === 'video')![1]);
  let shape: AssetShape = 'heic';
  for (const [s, p] of SHAPES) { if (s === 'video') continue; if (r < p) { shape = s; break; } r -= p; }
  if (assetDate < LIVE_SINCE && shape.startsWith('live')) shape = 'jpeg';
  if (assetDate < HEIC_SINCE && shape === 'heic') return 'jpeg';
  if (assetDate < HEIC_SINCE && shape === 'live-heic') return 'live-jpeg';
  return shape;
}

const TZ = [0, 3600, 7200, -18000, -25200, 28800, 32400, 19800];

export function assetSpec(opts: LibraryOptions, i: number): AssetSpec {
  const { seed } = opts;
  const newest = newestOf(opts);
  const assetDate = captureTime(seed, i, opts.assets, newest);
  const shape = shapeOf(seed, i, assetDate, ageYears(assetDate, newest));
  const ext = shape === 'video' ? 'MOV' : shape === 'screenshot' ? 'PNG' : shape.endsWith('heic') || shape === 'heic' ? 'HEIC' : 'JPG';
  const stem = shape === 'screenshot' ? `Screenshot ${i}` : `IMG_${String(i % 10000).padStart(4, '0')}`;
  const burst = unit(seed, i, 9) < 0.03 && (shape === 'jpeg' || shape === 'heic');
  const located = unit(seed, i, 10) < 0.6;
  return {
    index: i, shape,
    zone: opts.sharedLibrary === true && mix(seed, i, 3) % 12 === 5 ? 'shared' : 'primary',
    assetName: uuidOf(`${seed}:asset:${i}`),
    masterName: checksumId(`${seed}:master:${i}`),
    filename: `${stem}.${ext}`,
    assetDate,
    addedDate: assetDate + 60_000 + Math.floor(unit(seed, i, 4) * 86_400_000),
    tzOffsetSec: TZ[mix(seed, i, 5) % TZ.length]!,
    favorite: unit(seed, i, 6) < 0.07,
    hidden: unit(seed, i, 7) < 0.015,
    edited: unit(seed, i, 8) < 0.08 && shape !== 'video',
    ...(burst ? { burstId: uuidOf(`${seed}:burst:${Math.floor(i / 4)}`) } : {}),
    ...(located ? { location: { lat: 35 + unit(seed, i, 11) * 20, lon: -10 + unit(seed, i, 12) * 40, alt: Math.round(unit(seed, i, 13) * 300) } } : {}),
    durationSec: shape === 'video' ? 2 + (mix(seed, i, 14) % 60) : 0,
  };
}

function sized(opts: LibraryOptions, spec: AssetSpec, salt: number, factor: number): number {
  const i = spec.index;
  const mean = (opts.meanSize ?? 24 * 1024) * factor * sizeFactor(ageYears(spec.assetDate, newestOf(opts)));
  return Math.max(2048, Math.floor(mean * (0.5 + unit(opts.seed, i, salt))));
}

/** The files of an asset; `revision` > 0 means the edit was redone (new edited bytes). */
export function resourcesOf(opts: LibraryOptions, spec: AssetSpec, edited: boolean): ResourceSpec[] {
  const photo = (uti: string, format: MediaFormat): ResourceSpec =>
    ({ field: 'resOriginal', uti, format, size: sized(opts, spec, 20, 1), width: 4032, height: 3024 });
  const out: ResourceSpec[] = [];
  switch (spec.shape) {
    case 'heic': case 'live-heic': out.push(photo('public.heic', 'heic')); break;
    case 'jpeg': case 'live-jpeg': out.push(photo('public.jpeg', 'jpeg')); break;
    case 'panorama': out.push({ ...photo('public.jpeg', 'jpeg'), width: 12000, height: 3000 }); break;
    case 'screenshot': out.push({ ...photo('public.png', 'png'), width: 1179, height: 2556 }); break;
    case 'video': out.push({ field: 'resOriginal', uti: 'com.apple.quicktime-movie', format: 'mov', size: sized(opts, spec, 20, 8), width: 1920, height: 1080 }); break;
    case 'raw-jpeg':
      out.push(photo('public.jpeg', 'jpeg'));
      out.push({ field: 'resOriginalAlt', uti: 'com.adobe.raw-image', format: 'raw', size: sized(opts, spec, 21, 3), width: 4032, height: 3024 });
      break;
  }
  if (spec.shape === 'live-heic' || spec.shape === 'live-jpeg') {
    out.push({ field: 'resOriginalVidCompl', uti: 'com.apple.quicktime-movie', format: 'mov', size: sized(opts, spec, 22, 2), width: 1308, height: 980 });
  }
  if (edited) {
    out.push(spec.shape === 'video'
      ? { field: 'resVidFull', uti: 'com.apple.quicktime-movie', format: 'mov', size: sized(opts, spec, 23, 6), width: 1920, height: 1080 }
      : { field: 'resJPEGFull', uti: 'public.jpeg', format: 'jpeg', size: sized(opts, spec, 23, 1), width: 4032, height: 3024 });
  }
  return out;
}

export const UTI_EXT: Readonly<Record<string, string>> = {
  'public.heic': 'HEIC', 'public.jpeg': 'JPG', 'public.png': 'PNG', 'com.apple.quicktime-movie': 'MOV', 'com.adobe.raw-image': 'DNG',
};
