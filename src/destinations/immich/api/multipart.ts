/**
 * @module The upload form as a stream: text fields, then the file part hashed (SHA-1) as it passes, then an optional
 * XMP sidecar. Its exact length is known up front, so the body streams with a Content-Length and bounded memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { TransferError } from '../../../core/transfer-error.ts';

export interface FormFile {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly body: Readable;
}

export interface MultipartBody {
  readonly contentType: string;
  readonly length: number;
  readonly stream: AsyncIterable<Buffer>;
  /** SHA-1 (hex) of the first file part; set once that part has been streamed. */
  sha1(): string | undefined;
}

const escapeName = (s: string) => s.replace(/["\r\n\\]/g, '_');

export function multipartBody(
  fields: Readonly<Record<string, string>>, file: FormFile, extra?: { field: string; filename: string; contentType: string; data: Buffer },
  onHashed?: (sha1: string) => void,
): MultipartBody {
  const boundary = `photoferry-${randomBytes(12).toString('hex')}`;
  const head = (disposition: string, type?: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`);
  const fieldParts = Object.entries(fields).map(([k, v]) => Buffer.concat([head(`name="${escapeName(k)}"`), Buffer.from(v), Buffer.from('\r\n')]));
  const fileHead = head(`name="${file.field}"; filename="${escapeName(file.filename)}"`, file.contentType);
  const extraPart = extra
    ? Buffer.concat([Buffer.from('\r\n'), head(`name="${extra.field}"; filename="${escapeName(extra.filename)}"`, extra.contentType), extra.data])
    : Buffer.alloc(0);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = fieldParts.reduce((n, b) => n + b.length, 0) + fileHead.length + file.size + extraPart.length + tail.length;
  let digest: string | undefined;
  async function* stream() {
    yield* fieldParts;
    yield fileHead;
    const hash = createHash('sha1');
    let sent = 0;
    for await (const chunk of file.body) {
      const buf = chunk as Buffer;
      sent += buf.length;
      if (sent > file.size) throw new TransferError('corrupted', `${file.filename}: the source sent more than ${file.size} bytes`, { connector: 'immich' });
      hash.update(buf);
      yield buf;
    }
    if (sent !== file.size) throw new TransferError('corrupted', `${file.filename}: the source sent ${sent} of ${file.size} bytes`, { connector: 'immich' });
    digest = hash.digest('hex');
    onHashed?.(digest);
    if (extraPart.length > 0) yield extraPart;
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, stream: stream(), sha1: () => digest };
}
