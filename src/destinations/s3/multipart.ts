/** @module Resumable multipart upload: parts of a known-size stream, progress kept in ctx.state across restarts. */
import { setTimeout as sleep } from 'node:timers/promises';
import { addAbortSignal, type Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand,
  type CreateMultipartUploadCommandInput, type S3Client,
} from '@aws-sdk/client-s3';
import type { ConnectorState, Logger } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { PartReader } from './body.ts';
import type { PartPool } from './part-pool.ts';
import { toTransferError, type S3ErrorContext } from './errors.ts';
import {
  abortUpload, choosePartSize, contiguousBytes, partCount, stateKeyOf, type UploadState,
} from './multipart-state.ts';

export interface MultipartJob {
  readonly client: S3Client;
  readonly state: ConnectorState;
  readonly log: Logger;
  readonly bucket: string;
  readonly key: string;
  /** Store-relative path, for messages. */
  readonly path: string;
  readonly size: number;
  readonly fingerprint?: string | undefined;
  /** The body starts at this byte (a resumed source); must equal a boundary of parts already done. */
  readonly offset: number;
  readonly preferredPartSize: number;
  readonly concurrency: number;
  readonly staleMs: number;
  /** ContentType, StorageClass, Object Lock fields for CreateMultipartUpload. */
  readonly createInput: Omit<CreateMultipartUploadCommandInput, 'Bucket' | 'Key'>;
  readonly context: S3ErrorContext;
  /** The store's upload buffers and hashing worker. */
  readonly buffers: PartPool;
}

export interface MultipartResult {
  readonly etag: string;
  /** Bytes actually sent this time (skipped parts excluded). */
  readonly sentBytes: number;
}

const PART_ATTEMPTS = 3;
const unquote = (etag: string | undefined) => (etag ?? '').replace(/"/g, '');

/** Finds a live, non-stale upload for this file, or starts one; stale ones are aborted first. */
async function openUpload(job: MultipartJob, stateKey: string): Promise<UploadState> {
  const existing = await job.state.get<UploadState>(stateKey);
  if (existing && Date.now() - existing.createdAt <= job.staleMs) return existing;
  if (existing) { await abortUpload(job.client, existing); await job.state.delete(stateKey); }
  const created = await job.client.send(new CreateMultipartUploadCommand({ Bucket: job.bucket, Key: job.key, ...job.createInput }));
  const st: UploadState = {
    bucket: job.bucket, key: job.key, size: job.size, uploadId: created.UploadId!,
    partSize: choosePartSize(job.size, job.preferredPartSize), createdAt: Date.now(), parts: {},
  };
  await job.state.set(stateKey, st);
  return st;
}

/** Where a re-run may start its source stream: the bytes whose parts are already on the server. */
export async function multipartResumeOffset(state: ConnectorState, bucket: string, key: string, size: number, fingerprint: string | undefined, staleMs: number): Promise<number> {
  const st = await state.get<UploadState>(stateKeyOf(bucket, key, size, fingerprint));
  return st && Date.now() - st.createdAt <= staleMs ? contiguousBytes(st) : 0;
}

export async function uploadMultipart(job: MultipartJob, body: Readable, signal: AbortSignal): Promise<MultipartResult> {
  const stateKey = stateKeyOf(job.bucket, job.key, job.size, job.fingerprint);
  const st = await openUpload(job, stateKey).catch((err: unknown) => { throw toTransferError(err, job.context); });
  const total = partCount(job.size, st.partSize);
  if (job.offset % st.partSize !== 0 || job.offset > contiguousBytes(st)) {
    throw new TransferError('invalid-input', `${job.path}: resume offset ${job.offset} is not where the finished parts end (${contiguousBytes(st)})`, { connector: 's3' });
  }
  // Parts finish out of order; state writes are chained so a slow write never overwrites a newer one.
  let saving = Promise.resolve();
  const save = () => { saving = saving.then(() => job.state.set(stateKey, st)); return saving; };
  const inner = new AbortController();
  const onAbort = () => inner.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  let sentBytes = 0;
  // Destroys the body when the write is cancelled or a part fails, so a stalled source cannot hang us.
  const reader = new PartReader(addAbortSignal(inner.signal, body), job.path);

  const sendPart = async (n: number, buf: Buffer, md5: Buffer): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await job.client.send(new UploadPartCommand({
          Bucket: job.bucket, Key: job.key, UploadId: st.uploadId, PartNumber: n, Body: buf,
          ContentLength: buf.length, ContentMD5: md5.toString('base64'),
        }), { abortSignal: inner.signal });
        const etag = unquote(res.ETag);
        // A plain-MD5 ETag lets us catch corruption even where the server ignores Content-MD5 (s3rver).
        if (/^[0-9a-f]{32}$/.test(etag) && etag !== md5.toString('hex')) {
          throw new TransferError('corrupted', `${job.path}: part ${n} arrived damaged (ETag ${etag})`, { connector: 's3' });
        }
        st.parts[String(n)] = { etag: res.ETag ?? etag, md5: md5.toString('hex') };
        sentBytes += buf.length;
        await save();
        return;
      } catch (err) {
        const te = toTransferError(err, job.context);
        if (!te.retryable || attempt >= PART_ATTEMPTS || inner.signal.aborted) throw te;
        job.log.debug({ part: n, attempt, kind: te.kind }, 's3 part retry');
        await sleep(te.retryAfterMs ?? 250 * 2 ** attempt, undefined, { signal: inner.signal });
      }
    }
  };

  try {
    let offset = job.offset;
    for (let n = Math.floor(job.offset / st.partSize) + 1; n <= total && failure === undefined; n++) {
      while (inflight.size >= job.concurrency) await Promise.race(inflight);
      if (failure !== undefined) break;
      const len = Math.min(st.partSize, job.size - offset);
      const slot = await job.buffers.take(st.partSize, inner.signal);
      let sending = false;
      try {
        const buf = await reader.read(len, job.size, offset, slot);
        offset += len;
        const md5 = await job.buffers.md5(buf);
        // A part already on the server is skipped only when the same bytes arrive again: a changed source
        // (same size, no fingerprint) re-sends the part instead of assembling a mixed file.
        if (st.parts[String(n)]?.md5 === md5.toString('hex')) continue;
        const p: Promise<void> = sendPart(n, buf, md5)
          .then(() => job.buffers.give(slot), (err: unknown) => { job.buffers.forget(slot); failure ??= err; inner.abort(err); })
          .finally(() => inflight.delete(p));
        inflight.add(p);
        sending = true;
      } finally {
        if (!sending) job.buffers.give(slot);
      }
      inner.signal.throwIfAborted();
    }
    if (failure === undefined) await reader.expectEnd(job.size);
    await Promise.all(inflight);
    if (failure !== undefined) throw failure;
    signal.throwIfAborted();
    const parts = Array.from({ length: total }, (_, i) => ({ PartNumber: i + 1, ETag: st.parts[String(i + 1)]!.etag }));
    const done = await job.client.send(new CompleteMultipartUploadCommand({
      Bucket: job.bucket, Key: job.key, UploadId: st.uploadId, MultipartUpload: { Parts: parts },
    }), { abortSignal: signal });
    await saving;
    await job.state.delete(stateKey);
    return { etag: unquote(done.ETag), sentBytes };
  } catch (err) {
    inner.abort(err);
    await Promise.allSettled(inflight);
    await saving.catch(() => undefined);
    await reader.close().catch(() => undefined);
    const original = failure ?? err;
    const te = toTransferError(original, job.context);
    // A body of the wrong length, or an upload the server forgot, cannot be resumed: start clean next time.
    // Anything else keeps the upload and its state so the next run skips the parts already sent.
    if (te.kind === 'corrupted' || te.kind === 'invalid-input' || (original as { name?: string } | undefined)?.name === 'NoSuchUpload') {
      await abortUpload(job.client, st);
      await job.state.delete(stateKey);
    }
    throw te;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
