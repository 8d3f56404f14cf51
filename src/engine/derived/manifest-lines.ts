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

const SOURCE = Buffer.from('{"sourceId":');
const ASSET = ',"assetId":';
const VERSION = ',"version":';
const TAKEN = Buffer.from(',"takenAt":"');
const ALBUMS = Buffer.from(',"albums":[');
const ARRAY_END = Buffer.from('],"');
const QUOTE = 0x22;

/** The sort key of a manifest entry line; null when the line is not one (the file is then rebuilt). */
export function lineKey(line: Buffer): LineKey | null {
  if (line.compare(SOURCE, 0, SOURCE.length, 0, Math.min(SOURCE.length, line.length)) !== 0) return null;
  const taken = line.indexOf(TAKEN);
  const takenEnd = taken < 0 ? -1 : line.indexOf(QUOTE, taken + TAKEN.length);
  if (takenEnd < 0) return null;
  // Only the start of the line is decoded: the rest is copied through as bytes.
  const head = line.toString('utf8', 0, takenEnd);
  const asset = head.indexOf(ASSET);
  const version = head.indexOf(VERSION, asset);
  if (asset < 0 || version < 0) return null;
  const takenAtMs = Date.parse(line.toString('latin1', taken + TAKEN.length, takenEnd));
  const sourceId: unknown = JSON.parse(head.slice(SOURCE.length, asset));
  const assetId: unknown = JSON.parse(head.slice(asset + ASSET.length, version));
  if (typeof sourceId !== 'string' || typeof assetId !== 'string' || Number.isNaN(takenAtMs)) return null;
  return { sourceId, assetId, takenAtMs };
}

/** The album ids of a manifest entry line, in its order (duplicates kept); null when the field is not found. */
export function lineAlbums(line: Buffer): string[] | null {
  const at = line.indexOf(ALBUMS);
  if (at < 0) return null;
  const start = at + ALBUMS.length - 1;
  if (line[start + 1] === 0x5d) return [];
  // The array holds strings only, and `],"` cannot occur inside one: its first occurrence closes the array.
  const end = line.indexOf(ARRAY_END, start);
  if (end < 0) return null;
  const ids: unknown = JSON.parse(line.toString('utf8', start, end + 1));
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : null;
}

/** Orders two keys as the manifest does; `sourceRank` gives each source's place. */
export function compareKeys(a: LineKey, b: LineKey, sourceRank: ReadonlyMap<string, number>): number {
  return (sourceRank.get(a.sourceId) ?? -1) - (sourceRank.get(b.sourceId) ?? -1) || a.takenAtMs - b.takenAtMs
    || (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0);
}

/**
 * The lines of a stream, each with its newline, as views of the chunks read (a line split across two chunks is the
 * one copy); each chunk is handed to `onChunk` first (to hash what was read).
 */
export async function* readLines(stream: Readable, onChunk: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
  let rest: Buffer | undefined;
  for await (const raw of stream) {
    const chunk = raw as Buffer;
    onChunk(chunk);
    const data = rest ? Buffer.concat([rest, chunk]) : chunk;
    let from = 0;
    for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
      yield data.subarray(from, nl + 1);
      from = nl + 1;
    }
    rest = from < data.length ? data.subarray(from) : undefined;
  }
  if (rest) yield rest;
}
