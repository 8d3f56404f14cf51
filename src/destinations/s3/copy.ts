/** @module Server-side copy: CopyObject up to 5 GiB, UploadPartCopy ranges above (S3's single-copy limit). */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand,
  HeadObjectCommand, UploadPartCopyCommand, type CopyObjectCommandInput, type S3Client,
} from '@aws-sdk/client-s3';
import { choosePartSize, partCount } from './multipart-state.ts';

const SINGLE_COPY_MAX = 5 * 1024 ** 3;

/** CopySource is `bucket/key`, URL-encoded except for the slashes. */
const copySource = (bucket: string, key: string) => `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;

export interface CopyJob {
  readonly client: S3Client;
  readonly bucket: string;
  readonly fromKey: string;
  readonly toKey: string;
  /** StorageClass and Object Lock fields the new object gets. */
  readonly extra: Pick<CopyObjectCommandInput, 'StorageClass' | 'ObjectLockMode' | 'ObjectLockRetainUntilDate'>;
}

export async function serverSideCopy(job: CopyJob, signal: AbortSignal): Promise<void> {
  const { client, bucket, fromKey, toKey } = job;
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: fromKey }), { abortSignal: signal });
  const size = head.ContentLength ?? 0;
  const CopySource = copySource(bucket, fromKey);
  if (size <= SINGLE_COPY_MAX) {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: toKey, CopySource, MetadataDirective: 'COPY', ...job.extra }), { abortSignal: signal });
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({
    Bucket: bucket, Key: toKey, ...(head.ContentType ? { ContentType: head.ContentType } : {}), ...job.extra,
  }), { abortSignal: signal });
  try {
    // Copy parts cost no client bandwidth, so they can be big: fewer requests.
    const partSize = choosePartSize(size, 512 * 1024 ** 2);
    const parts: { PartNumber: number; ETag: string }[] = [];
    const numbers = Array.from({ length: partCount(size, partSize) }, (_, i) => i + 1);
    const copyPart = async (n: number) => {
      const start = (n - 1) * partSize;
      const end = Math.min(size, start + partSize) - 1;
      const res = await client.send(new UploadPartCopyCommand({
        Bucket: bucket, Key: toKey, UploadId, PartNumber: n, CopySource, CopySourceRange: `bytes=${start}-${end}`,
        ...(head.ETag ? { CopySourceIfMatch: head.ETag } : {}),
      }), { abortSignal: signal });
      parts.push({ PartNumber: n, ETag: res.CopyPartResult?.ETag ?? '' });
    };
    for (let i = 0; i < numbers.length; i += 4) await Promise.all(numbers.slice(i, i + 4).map(copyPart));
    parts.sort((a, b) => a.PartNumber - b.PartNumber);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: toKey, UploadId, MultipartUpload: { Parts: parts } }), { abortSignal: signal });
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: toKey, UploadId })).catch(() => undefined);
    throw err;
  }
}
