/**
 * @module Capture dates of many files from exiftool in one request per batch: a file the fast readers cannot parse
 * used to cost one exiftool round trip each (~5 ms of Perl start-up per request), which for a folder of AVI, GIF or
 * RAF files made listing slower than copying.
 */
import type { ExifTool, ExifToolTask } from 'exiftool-vendored';
import { parseExifDate, parseOffset, readCaptureFast, type CaptureInfo } from './metadata.ts';

/**
 * Files per exiftool request: enough that the cost per request vanishes, while ~7 ms of exiftool CPU a file keeps a
 * batch far inside the request's 30 s timeout, even on a loaded machine.
 */
export const EXIFTOOL_BATCH = 50;

const TAGS = ['DateTimeOriginal', 'CreationDate', 'CreateDate', 'OffsetTimeOriginal', 'OffsetTime', 'MIMEType'];

type RawTags = Record<string, unknown>;

type BatchTask = new (paths: readonly string[]) => ExifToolTask<RawTags[]>;
let batchTask: Promise<BatchTask> | undefined;

/**
 * One exiftool request for many files: `-json` prints one object per file it could read, each with its SourceFile.
 * Defined on first use: loading exiftool-vendored is left to runs that meet a file the fast readers cannot parse.
 */
const loadBatchTask = (): Promise<BatchTask> => batchTask ??= import('exiftool-vendored').then(({ ExifToolTask: Task }) =>
  class BatchReadTask extends Task<RawTags[]> {
    constructor(paths: readonly string[]) {
      super(['-charset', 'filename=utf8', '-fast', '-json', ...TAGS.map((t) => `-${t}`), ...paths]);
    }

    protected parse(input: string, error?: Error): RawTags[] {
      // a request with one unreadable file ends in an error yet still prints the others
      if (input.trim() === '') {
        if (error) throw error;
        return [];
      }
      const parsed: unknown = JSON.parse(input);
      return Array.isArray(parsed) ? parsed.filter((t): t is RawTags => typeof t === 'object' && t !== null) : [];
    }
  });

/** "2021:07:04 12:00:00.12+02:00" → its trailing zone in minutes ("Z" is UTC). */
function zoneOf(text: string): number | undefined {
  if (/Z$/.test(text)) return 0;
  const m = /([+-]\d{2}:?\d{2})$/.exec(text.slice(19));
  return m ? parseOffset(m[1]) : undefined;
}

/**
 * exiftool's tags → CaptureInfo. A date without a zone is wall-clock time, read in the local zone, except in a
 * video, where QuickTime stores UTC (exiftool-vendored's `defaultVideosToUTC`, which the per-file reads used).
 */
export function captureFromExiftool(t: RawTags): CaptureInfo {
  const text = [t.DateTimeOriginal, t.CreationDate, t.CreateDate].find((d): d is string => typeof d === 'string' && !d.startsWith('0000'));
  if (text === undefined) return {};
  const isVideo = typeof t.MIMEType === 'string' && t.MIMEType.startsWith('video/');
  const offset = zoneOf(text) ?? parseOffset(t.OffsetTimeOriginal) ?? parseOffset(t.OffsetTime);
  const takenAt = parseExifDate(text, offset ?? (isVideo ? 0 : undefined));
  if (!takenAt) return {};
  return { takenAt, ...(offset !== undefined ? { utcOffsetMinutes: offset } : {}) };
}

/**
 * Capture info of every path, EXIFTOOL_BATCH files per request (the tool's processes work on requests side by
 * side). A file exiftool cannot read, or a request that fails, yields `{}`: the caller falls back to the mtime.
 */
export async function readWithExiftool(tool: ExifTool, paths: readonly string[]): Promise<Map<string, CaptureInfo>> {
  const out = new Map<string, CaptureInfo>();
  const Task = await loadBatchTask();
  const requests: Promise<void>[] = [];
  for (let i = 0; i < paths.length; i += EXIFTOOL_BATCH) {
    const chunk = paths.slice(i, i + EXIFTOOL_BATCH);
    requests.push(tool.enqueueTask(() => new Task(chunk)).then((rows) => {
      for (const row of rows) if (typeof row.SourceFile === 'string') out.set(row.SourceFile, captureFromExiftool(row));
    }, () => undefined));
  }
  await Promise.all(requests);
  for (const p of paths) if (!out.has(p)) out.set(p, {});
  return out;
}

/** One file's capture info: the fast readers, else exiftool (a batch of one; listings batch through readWithExiftool). */
export async function readCapture(path: string, ext: string, size: number, exiftool: () => Promise<ExifTool>): Promise<CaptureInfo> {
  return await readCaptureFast(path, ext, size) ?? (await readWithExiftool(await exiftool(), [path])).get(path) ?? {};
}
