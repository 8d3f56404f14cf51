/** @module Which CPL resource field holds each photoferry resource role (mirror of the client's mapping, for sha256Of). */
import type { AssetShape, ResourceSpec } from './library/generate.ts';

export type RoleName = 'original' | 'edited' | 'live-video' | 'raw' | 'edited-video';

export const FIELD_OF_ROLE: Readonly<Record<RoleName, (shape: AssetShape) => ResourceSpec['field']>> = {
  original: () => 'resOriginal',
  // RAW+JPEG in the simulator keeps the JPEG as resOriginal and the RAW as resOriginalAlt.
  raw: () => 'resOriginalAlt',
  'live-video': () => 'resOriginalVidCompl',
  edited: (shape) => (shape === 'video' ? 'resVidFull' : 'resJPEGFull'),
  'edited-video': () => 'resVidFull',
};
