/** @module The last line of defence every FileStore applies to a path before touching the store. */
import { TransferError } from '../core/transfer-error.ts';

/** The hidden folder photoferry owns at a destination root: staging area and manifests. */
export const STAGING_DIR = '.photoferry/partial';

/**
 * Rejects paths that could escape the store root or that no store can hold. Path templates already
 * render safe paths; this catches a bug or a hostile name before it reaches a file system or an API.
 */
export function checkStorePath(path: string, connector: string): string {
  const bad = (why: string) =>
    new TransferError('invalid-input', `unsafe destination path ${JSON.stringify(path)}: ${why}`, { connector });
  if (path.length === 0) throw bad('empty');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw bad('absolute');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) throw bad('control character or backslash');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw bad('empty, "." or ".." segment');
    if (Buffer.byteLength(segment) > 255) throw bad('a segment is longer than 255 bytes');
  }
  return path;
}

/** Folder part of a `/`-separated path ('' for a top-level file). */
export const parentOf = (path: string): string => path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
