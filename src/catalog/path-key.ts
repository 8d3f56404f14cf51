/** @module The collision key of a destination path: two paths with one key cannot both live on every store. */

/** NFC and case-folded, since many targets (macOS, Windows, SMB, OneDrive) fold case and some fold Unicode forms. */
export const pathKey = (path: string): string => path.normalize('NFC').toLowerCase();
