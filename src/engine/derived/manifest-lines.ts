/**
 * @module Reading lines of photoferry-manifest.jsonl back without parsing each whole line: the few fields an
 * in-place update needs (which asset, where it sorts, which albums) are cut out of the text JSON.stringify made.
 * This holds because a JSON string never contains `,"` unescaped (a quote inside a string is written `\"`), so the
 * first `,"key":` in a line is that key of the top-level object when the keys before it are fixed.
 */
import type { Readable } from 'node:stream';

/** Where a line sorts: source, then the time taken, then the asset id (the catalog's page order). */
export interface LineKey {
  readonly sourceId: string;
  readonly assetId: string;
  readonly takenAtMs: number;
}

const SOURCE = '{"sourceId":';
const ASSET = ',"assetId":';
const VERSION = ',"version":';
const TAKEN = ',"takenAt":"';
const ALBUMS = ',"albums":[';

/** The sort key of a manifest entry line; null when the line is not one (the file is then rebuilt). */
export function lineKey(line: string): LineKey | null {
  if (!line.startsWith(SOURCE)) return null;
  const asset = line.indexOf(ASSET);
  const version = line.indexOf(VERSION, asset);
  const taken = line.indexOf(TAKEN, version);
  if (asset < 0 || version < 0 || taken < 0) return null;
  const takenEnd = line.indexOf('"', taken + TAKEN.length);
  const takenAtMs = Date.parse(line.slice(taken + TAKEN.length, takenEnd));
  const sourceId: unknown = JSON.parse(line.slice(SOURCE.length, asset));
  const assetId: unknown = JSON.parse(line.slice(asset + ASSET.length, version));
  if (typeof sourceId !== 'string' || typeof assetId !== 'string' || Number.isNaN(takenAtMs)) return null;
  return { sourceId, assetId, takenAtMs };
}

/** The album ids of a manifest entry line, in its order (duplicates kept); null when the field is not found. */
export function lineAlbums(line: string): string[] | null {
  const at = line.indexOf(ALBUMS);
  if (at < 0) return null;
  const start = at + ALBUMS.length - 1;
  if (line[start + 1] === ']') return [];
  // The array holds strings only, and `],"` cannot occur inside one: its first occurrence closes the array.
  const end = line.indexOf('],"', start);
  if (end < 0) return null;
  const ids: unknown = JSON.parse(line.slice(start, end + 1));
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : null;
}

/** Orders two keys as the manifest does; `sourceRank` gives each source's place. */
export function compareKeys(a: LineKey, b: LineKey, sourceRank: ReadonlyMap<string, number>): number {
  return (sourceRank.get(a.sourceId) ?? -1) - (sourceRank.get(b.sourceId) ?? -1) || a.takenAtMs - b.takenAtMs
    || (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0);
}

/** The lines of a UTF-8 stream (without their newline), each chunk handed to `onChunk` first (to hash what was read). */
export async function* readLines(stream: Readable, onChunk: (chunk: Buffer) => void): AsyncGenerator<string> {
  let rest: Buffer | undefined;
  for await (const raw of stream) {
    const chunk = raw as Buffer;
    onChunk(chunk);
    let data = rest ? Buffer.concat([rest, chunk]) : chunk;
    let from = 0;
    for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
      yield data.toString('utf8', from, nl);
      from = nl + 1;
    }
    data = data.subarray(from);
    rest = data.length > 0 ? data : undefined;
  }
  if (rest) yield rest.toString('utf8');
}
