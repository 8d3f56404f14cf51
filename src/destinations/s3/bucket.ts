/** @module Bucket-level calls: the check before the first write (keys, bucket, Object Lock) and stale-upload cleanup. */
import {
  GetObjectLockConfigurationCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client,
} from '@aws-sdk/client-s3';
import type { ConnectorState } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { toTransferError, type S3ErrorContext } from './errors.ts';
import { abortStaleUploads, abortUpload } from './multipart-state.ts';

/**
 * ListObjectsV2 rather than HeadBucket: a HEAD error has no body, so a wrong key and a missing permission
 * would both be a bare 403, while a listing names the problem (InvalidAccessKeyId, NoSuchBucket, ...).
 */
export async function checkBucket(client: S3Client, bucket: string, prefix: string, requireLock: boolean, context: S3ErrorContext, signal: AbortSignal): Promise<void> {
  try {
    await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }), { abortSignal: signal });
  } catch (err) {
    throw toTransferError(err, context);
  }
  if (!requireLock) return;
  let enabled: string | undefined;
  try {
    const res = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }), { abortSignal: signal });
    enabled = res.ObjectLockConfiguration?.ObjectLockEnabled;
  } catch (err) {
    const te = toTransferError(err, context);
    if (te.kind !== 'unsupported') throw te;
    throw new TransferError('unsupported', `the S3 server at ${context.endpoint ?? 'this endpoint'} does not support Object Lock, but retention was asked for; remove the objectLock options or use a provider with Object Lock`, { connector: 's3', cause: err });
  }
  if (enabled !== 'Enabled') {
    throw toTransferError({ name: 'ObjectLockConfigurationNotFoundError' }, context);
  }
}

/**
 * Aborts uploads this store started and never finished (state older than `staleMs`), then, where the
 * server lists them, any other unfinished upload under the prefix that old (a lost catalog). Storage
 * providers bill for the parts of unfinished uploads until they are aborted.
 */
export async function cleanupUploads(client: S3Client, state: ConnectorState, bucket: string, prefix: string, staleMs: number, signal: AbortSignal): Promise<number> {
  let aborted = await abortStaleUploads(client, state, bucket, staleMs);
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  try {
    do {
      const page = await client.send(new ListMultipartUploadsCommand({
        Bucket: bucket, Prefix: prefix ? `${prefix}/` : '', ...(KeyMarker ? { KeyMarker } : {}), ...(UploadIdMarker ? { UploadIdMarker } : {}),
      }), { abortSignal: signal });
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !u.Initiated || Date.now() - u.Initiated.getTime() <= staleMs) continue;
        await abortUpload(client, { bucket, key: u.Key, uploadId: u.UploadId });
        aborted++;
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      UploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (KeyMarker);
  } catch (err) {
    // s3rver and some gateways lack ListMultipartUploads; the state-tracked part above still ran.
    if (toTransferError(err).kind !== 'unsupported') throw toTransferError(err, { bucket, op: 'clean up unfinished uploads in' });
  }
  return aborted;
}
