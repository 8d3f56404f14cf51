/** @module Recursive listing of an export folder: every regular file with its size and times, hidden things skipped. */
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { underRoot } from '../../core/under-root.ts';
import { throwIfCancelled, toTransferError } from './errors.ts';

export interface FileEntry {
  /** Path relative to the root as on disk (may be NFD, may hold any byte a name can). */
  readonly diskRel: string;
  /** The same path in NFC with '/' separators: what ids and albums are made of. */
  readonly rel: string;
  readonly dir: string;
  readonly name: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly birthtimeMs: number;
}

/** Dot-files (.DS_Store, ._x, .photoferry*), Synology's @eaDir, Windows' thumbnails, recycle bins. */
export function isIgnored(name: string): boolean {
  return name.startsWith('.') || name === '@eaDir' || name === '#recycle' || name === '#snapshot'
    || name === 'Thumbs.db' || name === 'desktop.ini' || name === '$RECYCLE.BIN';
}

/**
 * All files under `root`. A folder that cannot be read fails the whole walk: a listing that silently
 * missed a folder would make its assets look deleted. A file that vanishes mid-walk is simply absent.
 */
export async function walk(root: string, signal: AbortSignal): Promise<FileEntry[]> {
  const found: { diskRel: string }[] = [];
  const visit = async (diskRel: string): Promise<void> => {
    throwIfCancelled(signal);
    const abs = underRoot(root, diskRel);
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (err) {
      throw toTransferError(err, `listing ${abs}`);
    }
    const subdirs: string[] = [];
    for (const e of entries) {
      if (isIgnored(e.name)) continue;
      const rel = diskRel === '' ? e.name : `${diskRel}/${e.name}`;
      // symlinked folders are not followed (cycles); symlinked files are, via stat below
      if (e.isDirectory()) subdirs.push(rel);
      else if (e.isFile() || e.isSymbolicLink()) found.push({ diskRel: rel });
    }
    await Promise.all(subdirs.map(visit));
  };
  await visit('');

  // stat(2) of a listed name is a cached metadata lookup: synchronous calls cost a fraction of 10k thread-pool hops.
  const out: FileEntry[] = [];
  for (const { diskRel } of found) {
    const abs = underRoot(root, diskRel);
    let s;
    try {
      s = statSync(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw toTransferError(err, `reading ${abs}`);
    }
    if (!s.isFile()) continue;
    const rel = diskRel.normalize('NFC');
    const slash = rel.lastIndexOf('/');
    out.push({
      diskRel, rel, dir: slash < 0 ? '' : rel.slice(0, slash), name: rel.slice(slash + 1),
      size: s.size, mtimeMs: s.mtimeMs, birthtimeMs: s.birthtimeMs,
    });
  }
  throwIfCancelled(signal);
  return keepTwinsApart(out).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Two names on disk can differ only in Unicode form (NFC "Café" and NFD "Café" are both legal on ext4): both are
 * real photos, so the NFC twin keeps the NFC path and every other twin keeps its name exactly as on disk.
 */
function keepTwinsApart(entries: FileEntry[]): FileEntry[] {
  const byRel = new Map<string, FileEntry[]>();
  for (const e of entries) byRel.set(e.rel, [...(byRel.get(e.rel) ?? []), e]);
  return entries.map((e) => {
    const twins = byRel.get(e.rel)!;
    if (twins.length === 1 || e.diskRel === e.rel) return e;
    const slash = e.diskRel.lastIndexOf('/');
    return { ...e, rel: e.diskRel, dir: slash < 0 ? '' : e.diskRel.slice(0, slash), name: e.diskRel.slice(slash + 1) };
  });
}
