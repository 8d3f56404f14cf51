/** @module Per-zone change history for changes/zone: the initial library as a virtual prefix, then the scripted change log. */
import { inAlbumByRule } from './albums.ts';
import type { LibraryState, LogEntry, ZoneKey } from './state.ts';

export type HistoryEntry = { kind: LogEntry['kind']; index?: number; albumId?: string };

/** Positions 0..base-1 enumerate the initial library (what a token-less changes/zone replays); then the log. */
export class History {
  private base: Partial<Record<ZoneKey, number>> = {};
  private baseEntries: Partial<Record<ZoneKey, HistoryEntry[]>> = {};

  constructor(private readonly lib: LibraryState) {}

  private initialAssets(zone: ZoneKey): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.lib.options.assets; i++) if (this.lib.spec(i).zone === zone) out.push(i);
    return out;
  }

  baseCount(zone: ZoneKey): number {
    let n = this.base[zone];
    if (n === undefined) {
      const assets = this.initialAssets(zone);
      n = assets.length * 2;
      if (zone === 'primary') {
        n += this.lib.albums.length;
        this.lib.albums.forEach((album, k) => { for (const i of assets) if (inAlbumByRule(this.lib.options.seed, album, k, i)) n!++; });
      }
      this.base[zone] = n;
    }
    return n;
  }

  current(zone: ZoneKey): number { return this.baseCount(zone) + this.lib.logs[zone].length; }

  private baseList(zone: ZoneKey): HistoryEntry[] {
    let list = this.baseEntries[zone];
    if (list === undefined) {
      list = [];
      const assets = this.initialAssets(zone);
      for (const i of assets) list.push({ kind: 'master', index: i }, { kind: 'asset', index: i });
      if (zone === 'primary') {
        this.lib.albums.forEach((album, k) => {
          list!.push({ kind: 'album', albumId: album.id });
          for (const i of assets) if (inAlbumByRule(this.lib.options.seed, album, k, i)) list!.push({ kind: 'relation', index: i, albumId: album.id });
        });
      }
      this.baseEntries[zone] = list;
    }
    return list;
  }

  /** Up to `limit` entries after `position`, and the position to continue from. */
  slice(zone: ZoneKey, position: number, limit: number): { entries: HistoryEntry[]; next: number } {
    const base = this.baseCount(zone);
    const end = Math.min(this.current(zone), position + limit);
    const entries: HistoryEntry[] = [];
    for (let p = position; p < end; p++) entries.push(p < base ? this.baseList(zone)[p]! : this.lib.logs[zone][p - base]!);
    return { entries, next: end };
  }
}
