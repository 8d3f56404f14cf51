/** @module Asset ⇄ JSON for the catalog's `data` column (Dates travel as ISO strings). */
import type { Asset } from '../core/asset.ts';

export const assetToJson = (asset: Asset): string => JSON.stringify(asset);

export function assetFromJson(text: string): Asset {
  const raw = JSON.parse(text) as Asset & { takenAt: string; addedAt: string };
  return { ...raw, takenAt: new Date(raw.takenAt), addedAt: new Date(raw.addedAt) };
}

export const totalBytes = (asset: Asset): number => asset.resources.reduce((sum, r) => sum + r.size, 0);
