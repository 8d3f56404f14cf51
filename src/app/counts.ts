/** @module The count definitions (assets, original files, derived files, bytes) for the edges, which import only app/. */
export { COUNT_LABELS, EMPTY_COUNTS, countRows, describeCounts, type Counts, type FileTally } from '../core/counts.ts';
