/** @module Durable multipart bookkeeping in ctx.state: which upload a file belongs to and which parts are done. */
import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ConnectorState } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;
const MAX_PART = 5 * 1024 * MiB;
export const STATE_PREFIX = 's3/multipart/';

export interface UploadState {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly uploadId: string;
  readonly partSize: number;
  /** ms since epoch; uploads older than staleUploadDays are aborted instead of resumed. */
  readonly createdAt: number;
  /** Part number → ETag the server returned and MD5 of the bytes we sent (checked again on resume). */
  parts: Record<string, { etag: string; md5: string }>;
}

/**
 * One upload per (bucket, key, size, fingerprint): a re-run with the same file finds its parts, while a
 * different file at the same path (other size or sha256) starts a fresh upload.
 */
export const stateKeyOf = (bucket: string, key: string, size: number, fingerprint?: string): string =>
  `${STATE_PREFIX}${bucket}/${key}#${size}${fingerprint ? `#${fingerprint}` : ''}`;

/** The preferred part size, grown (in whole MiB) until the file fits in 10,000 parts. */
export function choosePartSize(size: number, preferred: number): number {
  const needed = Math.ceil(size / MAX_PARTS);
  const partSize = Math.ceil(Math.max(5 * MiB, preferred, needed) / MiB) * MiB;
  if (partSize > MAX_PART) {
    throw new TransferError('invalid-input', `a ${size}-byte file is larger than S3 allows (5 TiB)`, { connector: 's3' });
  }
  return partSize;
}

export const partCount = (size: number, partSize: number): number => Math.max(1, Math.ceil(size / partSize));

/** Bytes at the start of the file whose parts are all done: where a resumed source stream may begin. */
export function contiguousBytes(st: UploadState): number {
  const total = partCount(st.size, st.partSize);
  let n = 0;
  while (n < total && st.parts[String(n + 1)]) n++;
  return Math.min(n * st.partSize, st.size);
}

export async function abortUpload(client: S3Client, st: Pick<UploadState, 'bucket' | 'key' | 'uploadId'>): Promise<void> {
  await client.send(new AbortMultipartUploadCommand({ Bucket: st.bucket, Key: st.key, UploadId: st.uploadId }))
    .catch(() => undefined); // already gone (completed, expired or aborted): nothing to free
}

/** Aborts and forgets uploads whose state is older than `maxAgeMs`; returns how many. */
export async function abortStaleUploads(client: S3Client, state: ConnectorState, bucket: string, maxAgeMs: number): Promise<number> {
  let aborted = 0;
  for (const key of await state.keys(`${STATE_PREFIX}${bucket}/`)) {
    const st = await state.get<UploadState>(key);
    if (st && Date.now() - st.createdAt <= maxAgeMs) continue;
    if (st) await abortUpload(client, st);
    await state.delete(key);
    aborted++;
  }
  return aborted;
}
