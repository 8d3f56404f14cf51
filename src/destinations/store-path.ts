/** @module The last line of defence every FileStore applies to a path before touching the store. */
import { TransferError } from '../core/transfer-error.ts';

/** The hidden folder photoferry owns at a destination root: staging area and manifests. */
export const STAGING_DIR = '.photoferry/partial';

/**
 * Rejects paths that could escape the store root or that no store can hold. Path templates already
 * render safe paths; this catches a bug or a hostile name before it reaches a file system or an API.
 */
export function checkStorePath(path: string, connector: string): string {
  if (path.length === 0) throw unsafePath(path, connector, 'empty');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw unsafePath(path, connector, 'absolute');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) throw unsafePath(path, connector, 'control character or backslash');
  // Indexed, and no closure made per call: this runs for every file twice or more (10 MB of garbage per 10k files).
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '' || segment === '.' || segment === '..') throw unsafePath(path, connector, 'empty, "." or ".." segment');
    // A UTF-16 unit is at most 3 bytes of UTF-8: only a segment longer than 85 units can pass 255 bytes.
    if (segment.length > 85 && Buffer.byteLength(segment) > 255) throw unsafePath(path, connector, 'a segment is longer than 255 bytes');
  }
  return path;
}

const unsafePath = (path: string, connector: string, why: string) =>
  new TransferError('invalid-input', `unsafe destination path ${JSON.stringify(path)}: ${why}`, { connector });

/** Folder part of a `/`-separated path ('' for a top-level file). */
export const parentOf = (path: string): string => path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
