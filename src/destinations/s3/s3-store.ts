/** @module FileStore on an S3-compatible bucket: streamed single PUTs, resumable multipart, Object Lock, server-side copy. */
import { Readable } from 'node:stream';
import { TransferError } from '../../core/transfer-error.ts';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand,
  type CreateMultipartUploadCommandInput, type PutObjectCommandOutput, type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import type { ConnectorContext } from '../../connectors/context.ts';
import type { Checksum } from '../../core/asset.ts';
import { checkWholeBody, type FileStore, type StoredFile, type WriteMeta } from '../file-store.ts';
import { checkStorePath } from '../store-path.ts';
import { MeteredBody, sourceFailure } from './body.ts';
import { createS3Client } from './client.ts';
import { serverSideCopy } from './copy.ts';
import { toTransferError } from './errors.ts';
import type { S3Options } from './index.ts';
import { uploadMultipart, multipartResumeOffset } from './multipart.ts';
import { createPartPool } from './part-pool.ts';
import { checkBucket, cleanupUploads } from './bucket.ts';

const KIND = 's3';
const DAY = 86_400_000;

/** Write metadata plus where the body starts (a source re-opened at `resumeOffset`). */
export interface S3WriteMeta extends WriteMeta {
  readonly offset?: number;
}

/** The FileStore plus what only S3 offers: a bucket check, multipart resume, and cleanup of stale uploads. */
export interface S3Store extends FileStore {
  /** Proves the bucket exists and the keys work; with Object Lock options, that the bucket has lock enabled. */
  check(signal: AbortSignal): Promise<void>;
  /** Byte offset a re-run of an interrupted upload of this file may open its source at (0 when nothing to resume). */
  resumeOffset(path: string, meta: WriteMeta, signal: AbortSignal): Promise<number>;
  /** Aborts unfinished multipart uploads older than `staleUploadDays`; returns how many. */
  cleanup(signal: AbortSignal): Promise<number>;
  write(path: string, body: Readable, meta: S3WriteMeta, signal: AbortSignal): Promise<StoredFile>;
}

/** An ETag is the MD5 of the bytes only for single-part objects without KMS or customer-key encryption. */
function md5FromEtag(etag: string | undefined, sse?: ServerSideEncryption | string, customerKey?: string): Checksum[] {
  const value = (etag ?? '').replace(/"/g, '');
  if (!/^[0-9a-f]{32}$/.test(value) || customerKey || (sse && sse !== 'AES256')) return [];
  return [{ algorithm: 'md5', value }];
}

export function createS3Store(o: S3Options, ctx: ConnectorContext): S3Store {
  const conn = createS3Client(o, ctx.log);
  const { client } = conn;
  // Parts of every multipart upload share these buffers: one file at full width plus two more parts keep
  // the server busy; more would only cost memory (6 × 5 MiB with the defaults, however many files at once).
  const buffers = createPartPool(o.partConcurrency + 2, o.partSize);
  const bucket = o.bucket;
  const keyOf = (path: string) => (o.prefix ? `${o.prefix}/` : '') + checkStorePath(path, KIND);
  const pathOf = (key: string) => key.slice(o.prefix ? o.prefix.length + 1 : 0);
  const errCtx = (op: string, path?: string) => ({ bucket, endpoint: conn.label, op, ...(path ? { key: path } : {}) });
  const staleMs = o.staleUploadDays * DAY;
  const lock = () => (o.objectLockMode && o.objectLockDays
    ? { ObjectLockMode: o.objectLockMode, ObjectLockRetainUntilDate: new Date(Date.now() + o.objectLockDays * DAY) }
    : {});
  const common = (meta?: WriteMeta): Omit<CreateMultipartUploadCommandInput, 'Bucket' | 'Key'> => ({
    ...(meta?.contentType ? { ContentType: meta.contentType } : {}),
    ...(o.storageClass ? { StorageClass: o.storageClass as CreateMultipartUploadCommandInput['StorageClass'] } : {}),
    ...lock(),
  });
  // With Object Lock the server insists on a content checksum. A streamed PUT can only carry one in
  // when-supported mode (aws-chunked trailer); elsewhere every file goes up as parts, each with Content-MD5.
  const partsAlways = Boolean(o.objectLockMode) && conn.checksumMode === 'when-required';
  // Checked once, before the first write: a lock-less bucket must fail loudly, not store unprotected files.
  let lockChecked: Promise<void> | undefined;
  const ensureLock = (signal: AbortSignal) => {
    if (!o.objectLockMode) return Promise.resolve();
    lockChecked ??= checkBucket(client, bucket, o.prefix, true, errCtx('check Object Lock of'), signal)
      .catch((err: unknown) => { lockChecked = undefined; throw err; });
    return lockChecked;
  };

  /** Whether a body goes up in parts: above the threshold, resumed at an offset, or Object Lock without a streamed checksum. */
  const needsParts = (size: number, offset: number) => size > o.multipartThreshold || offset > 0 || (partsAlways && size > 0);

  /** What a single PUT carries besides bucket, key and body. */
  const singlePut = (meta: WriteMeta) => ({
    ContentLength: meta.size, ...common(meta),
    ...(meta.sha256 && conn.checksumMode === 'when-supported' ? { ChecksumSHA256: Buffer.from(meta.sha256, 'hex').toString('base64') } : {}),
  });

  /**
   * The stored file a single PUT answered. The ETag-MD5 goes back to the caller, which compares it with the MD5 it
   * hashed while reading and removes the object on a mismatch (the engine's verify, file-destination.ts): hashing
   * here again would be a second MD5 pass over the same bytes.
   */
  const singlePutStored = (path: string, meta: WriteMeta, res: PutObjectCommandOutput): StoredFile => ({
    path, size: meta.size, ...(meta.modTime ? { modTime: meta.modTime } : {}),
    hashes: md5FromEtag(res.ETag, res.ServerSideEncryption, res.SSECustomerAlgorithm),
  });

  async function putSingle(path: string, key: string, body: Readable, meta: WriteMeta, signal: AbortSignal): Promise<StoredFile> {
    const metered = new MeteredBody(meta.size, path);
    const inner = new AbortController();
    let bodyError: unknown;
    // pipe() does not forward errors, and the SDK would wait for the missing bytes: abort the request instead.
    const fail = (err: unknown) => { bodyError ??= err; inner.abort(err); };
    const onAbort = () => inner.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const failSource = (err: unknown) => fail(sourceFailure(err, path));
    body.once('error', failSource);
    metered.once('error', fail);
    body.pipe(metered);
    try {
      const res = await client.send(new PutObjectCommand({
        Bucket: bucket, Key: key, Body: metered, ...singlePut(meta),
      }), { abortSignal: inner.signal });
      if (bodyError !== undefined) throw bodyError;
      return singlePutStored(path, meta, res);
    } catch (err) {
      body.unpipe(metered);
      body.destroy();
      throw toTransferError(bodyError ?? err, errCtx('upload', path));
    } finally {
      signal.removeEventListener('abort', onAbort);
      body.off('error', failSource);
    }
  }

  async function write(path: string, body: Readable, meta: S3WriteMeta, signal: AbortSignal): Promise<StoredFile> {
    const key = keyOf(path);
    await ensureLock(signal);
    const offset = meta.offset ?? 0;
    if (!needsParts(meta.size, offset)) return putSingle(path, key, body, meta, signal);
    await uploadMultipart({
      client, state: ctx.state, log: ctx.log, bucket, key, path, size: meta.size, fingerprint: meta.sha256, offset,
      preferredPartSize: o.partSize, concurrency: o.partConcurrency, staleMs, createInput: common(meta),
      context: errCtx('upload', path), buffers,
    }, body, signal);
    // A multipart ETag is not the file's MD5 (parts were checked one by one): report no hash.
    return { path, size: meta.size, ...(meta.modTime ? { modTime: meta.modTime } : {}), hashes: [] };
  }

  return {
    kind: KIND,
    capabilities: {
      atomicRename: false, atomicWrite: true, hashes: ['md5'], serverSideCopy: true, read: true,
      // Larger files go up in parts, and a multipart ETag is not the file's MD5.
      hashesUpTo: partsAlways ? 0 : o.multipartThreshold,
    },

    check: (signal) => checkBucket(client, bucket, o.prefix, Boolean(o.objectLockMode), errCtx('check'), signal),

    async resumeOffset(path, meta) {
      if (meta.size <= o.multipartThreshold) return 0;
      return multipartResumeOffset(ctx.state, bucket, keyOf(path), meta.size, meta.sha256, staleMs);
    },

    cleanup: (signal) => cleanupUploads(client, ctx.state, bucket, o.prefix, staleMs, signal),

    async stat(path, signal) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(path) }), { abortSignal: signal });
        return {
          path, size: head.ContentLength ?? 0, ...(head.LastModified ? { modTime: head.LastModified } : {}),
          hashes: md5FromEtag(head.ETag, head.ServerSideEncryption, head.SSECustomerAlgorithm),
        };
      } catch (err) {
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
        throw toTransferError(err, errCtx('stat', path));
      }
    },

    write,

    // A small file's whole body in one PUT: no pass-through stream, pipe or abort controller of its own per file,
    // which were most of what a 30 KB upload cost here besides the SDK itself.
    async writeBytes(path, bytes, meta, signal) {
      checkWholeBody(path, bytes, meta, KIND);
      if (needsParts(meta.size, 0)) return write(path, Readable.from([bytes]), meta, signal);
      await ensureLock(signal);
      signal.throwIfAborted();
      // Sent without per-call options so the SDK's cached middleware serves it (client.ts): the signal cannot ride
      // along, so a stop closes the client's connections instead, failing every PUT in flight on them at once. A
      // run's files share its signal, so those are all being stopped too; a later call opens new connections.
      const cut = () => client.destroy();
      signal.addEventListener('abort', cut, { once: true });
      try {
        const res = await client.send(new PutObjectCommand({
          Bucket: bucket, Key: keyOf(path), Body: bytes, ...singlePut(meta),
        }));
        return singlePutStored(path, meta, res);
      } catch (err) {
        if (signal.aborted) throw new TransferError('cancelled', `upload ${path}: stopped`, { connector: KIND, cause: err });
        throw toTransferError(err, errCtx('upload', path));
      } finally {
        signal.removeEventListener('abort', cut);
      }
    },

    async copy(from, to, signal) {
      await ensureLock(signal);
      const extra = { ...(o.storageClass ? { StorageClass: o.storageClass as CreateMultipartUploadCommandInput['StorageClass'] } : {}), ...lock() };
      await serverSideCopy({ client, bucket, fromKey: keyOf(from), toKey: keyOf(to), extra }, signal)
        .catch((err: unknown) => { throw toTransferError(err, errCtx('copy', from)); });
    },

    async read(path, signal) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(path) }), { abortSignal: signal });
        return res.Body as Readable;
      } catch (err) {
        throw toTransferError(err, errCtx('read', path));
      }
    },

    async remove(path, signal) {
      // DeleteObject succeeds for a missing key, so remove is idempotent without a stat first.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(path) }), { abortSignal: signal })
        .catch((err: unknown) => { throw toTransferError(err, errCtx('remove', path)); });
    },

    async *list(prefix, signal) {
      const Prefix = (o.prefix ? `${o.prefix}/` : '') + prefix;
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, ...(ContinuationToken ? { ContinuationToken } : {}) }), { abortSignal: signal })
          .catch((err: unknown) => { throw toTransferError(err, errCtx('list', prefix || '/')); });
        for (const obj of page.Contents ?? []) {
          // Keys ending in "/" are folder markers made by web consoles, not files.
          if (!obj.Key || obj.Key.endsWith('/')) continue;
          yield { path: pathOf(obj.Key), size: obj.Size ?? 0, ...(obj.LastModified ? { modTime: obj.LastModified } : {}) };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async close() { client.destroy(); await buffers.close(); },
  };
}
