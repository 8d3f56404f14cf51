/** @module The sample library as a pure, seeded plan: which files, with what dates, sizes and names. */
import type { PhotoMeta } from './exif.ts';
import { Rng } from './prng.ts';

export type Range = readonly [min: number, max: number];

export interface SampleOptions {
  readonly dir: string;
  readonly seed?: string | number;
  /** Stand-alone stills (a share of them HEIC, the rest JPEG). */
  readonly photos?: number;
  readonly videos?: number;
  /** HEIC + MOV pairs with the same stem. */
  readonly livePhotos?: number;
  /** JPEG + DNG pairs with the same stem. */
  readonly rawPairs?: number;
  /** PNGs named "Screenshot …" with UserComment "Screenshot", in a Screenshots folder. */
  readonly screenshots?: number;
  /** How many of the photos also get an iCloud-style edited copy (IMG_E1234.JPG) and an AAE sidecar. */
  readonly edited?: number;
  /** Tiny JPEGs in `small/NNN/` folders of 500, for listing and per-file-overhead benchmarks. */
  readonly smallFiles?: number;
  readonly photoBytes?: Range;
  readonly videoBytes?: Range;
  readonly liveVideoBytes?: Range;
  readonly rawBytes?: Range;
  readonly smallBytes?: Range;
  /** Capture years, inclusive. */
  readonly years?: Range;
  /** Share of `photos` written as HEIC, 0..1. */
  readonly heicShare?: number;
  /** Files written at once. */
  readonly concurrency?: number;
}

export type FileType = 'jpeg' | 'heic' | 'png' | 'dng' | 'mov' | 'mp4' | 'aae';
export type SampleRole = 'original' | 'edited' | 'live-video' | 'raw' | 'sidecar';

export interface PlannedFile {
  /** POSIX path relative to the library root. */
  readonly path: string;
  readonly type: FileType;
  readonly size: number;
  readonly meta: PhotoMeta;
  readonly role: SampleRole;
}

/** What a folder source should make of the files: one entry per asset, keyed by its primary file. */
export interface PlannedAsset {
  readonly id: string;
  readonly kind: 'photo' | 'video' | 'live-photo';
  readonly takenAt: Date;
  readonly screenshot: boolean;
  readonly files: readonly PlannedFile[];
}

const FOLDERS = ['', '', '', 'Trips/Lisbon 2019', 'Family', 'Family/Kids', 'Pets'];
const OFFSETS = [-480, -300, -240, 0, 0, 60, 60, 120, 330, 540];
const PLACES = [[38.7223, -9.1393], [48.8566, 2.3522], [40.7128, -74.006], [35.6762, 139.6503], [-33.8688, 151.2093]] as const;
const CAMERAS = [['Apple', 'iPhone 12'], ['Apple', 'iPhone 15 Pro'], ['Apple', 'iPhone 8']] as const;

export function planLibrary(o: SampleOptions): PlannedAsset[] {
  const rng = new Rng(o.seed ?? 1);
  const [y0, y1] = o.years ?? [2015, 2024];
  const start = Date.UTC(y0, 0, 1);
  const span = Date.UTC(y1 + 1, 0, 1) - start;
  const size = (r: Range) => rng.int(r[0], r[1]);
  let counter = 1000;
  const assets: PlannedAsset[] = [];

  const meta = (extra: Partial<PhotoMeta> = {}): PhotoMeta => {
    const [make, model] = rng.pick(CAMERAS);
    const place = rng.next() < 0.7 ? rng.pick(PLACES) : undefined;
    return {
      takenAt: new Date(start + Math.floor(rng.next() * (span / 1000)) * 1000),
      offsetMinutes: rng.pick(OFFSETS), make, model,
      ...(place ? { gps: { latitude: place[0] + rng.next() / 10, longitude: place[1] + rng.next() / 10, altitude: rng.int(0, 300) } } : {}),
      ...extra,
    };
  };
  const add = (kind: PlannedAsset['kind'], files: PlannedFile[], screenshot = false) =>
    assets.push({ id: files[0]!.path, kind, takenAt: files[0]!.meta.takenAt, screenshot, files });
  const file = (path: string, type: FileType, bytes: number, m: PhotoMeta, role: SampleRole = 'original'): PlannedFile =>
    ({ path, type, size: bytes, meta: m, role });
  // the HEIC fixture carries no GPS block, so the plan must not promise one
  const noGps = (m: PhotoMeta): PhotoMeta => { const { gps: _gps, ...rest } = m; return rest; };
  const folder = () => { const f = rng.pick(FOLDERS); return f === '' ? '' : `${f}/`; };

  const photos = o.photos ?? 20;
  let edited = Math.min(o.edited ?? Math.floor(photos / 10), photos);
  for (let i = 0; i < photos; i++) {
    const n = counter++;
    const dir = folder();
    const m = meta();
    const heic = rng.next() < (o.heicShare ?? 0.3);
    const files = [file(`${dir}IMG_${n}.${heic ? 'HEIC' : 'JPG'}`, heic ? 'heic' : 'jpeg', size(o.photoBytes ?? [20_000, 200_000]), heic ? noGps(m) : m)];
    if (edited-- > 0) {
      files.push(file(`${dir}IMG_E${n}.JPG`, 'jpeg', size(o.photoBytes ?? [20_000, 200_000]), m, 'edited'));
      files.push(file(`${dir}IMG_${n}.AAE`, 'aae', 0, m, 'sidecar'));
    }
    add('photo', files);
  }
  for (let i = 0; i < (o.livePhotos ?? 5); i++) {
    const n = counter++;
    const dir = folder();
    const m = noGps(meta());
    add('live-photo', [
      file(`${dir}IMG_${n}.HEIC`, 'heic', size(o.photoBytes ?? [20_000, 200_000]), m),
      file(`${dir}IMG_${n}.MOV`, 'mov', size(o.liveVideoBytes ?? [100_000, 600_000]), m, 'live-video'),
    ]);
  }
  for (let i = 0; i < (o.rawPairs ?? 3); i++) {
    const n = String(i + 1).padStart(4, '0');
    const dir = folder();
    const m = meta({ make: 'Canon', model: 'EOS R6' });
    add('photo', [
      file(`${dir}DSC_${n}.JPG`, 'jpeg', size(o.photoBytes ?? [20_000, 200_000]), m),
      file(`${dir}DSC_${n}.DNG`, 'dng', size(o.rawBytes ?? [100_000, 400_000]), m, 'raw'),
    ]);
  }
  for (let i = 0; i < (o.videos ?? 3); i++) {
    const n = counter++;
    const dir = folder();
    const m = meta();
    const mp4 = rng.next() < 0.3;
    add('video', [file(`${dir}${mp4 ? `VID_${n}.mp4` : `IMG_${n}.MOV`}`, mp4 ? 'mp4' : 'mov', size(o.videoBytes ?? [200_000, 2_000_000]), m)]);
  }
  for (let i = 0; i < (o.screenshots ?? 2); i++) {
    const m = noGps(meta({ userComment: 'Screenshot' }));
    const stamp = new Date(m.takenAt.getTime() + m.offsetMinutes * 60_000).toISOString();
    const name = `Screenshot ${stamp.slice(0, 10)} at ${stamp.slice(11, 19).replaceAll(':', '.')}.png`;
    add('photo', [file(`Screenshots/${name}`, 'png', 0, m)], true);
  }
  for (let i = 0; i < (o.smallFiles ?? 0); i++) {
    const dir = `small/${String(Math.floor(i / 500)).padStart(3, '0')}/`;
    add('photo', [file(`${dir}IMG_S${String(i).padStart(6, '0')}.JPG`, 'jpeg', size(o.smallBytes ?? [2_000, 8_000]), meta())]);
  }
  return assets;
}
