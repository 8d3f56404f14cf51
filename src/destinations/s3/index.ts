/** @module S3-compatible destination (AWS, Backblaze B2, Wasabi, Cloudflare R2, MinIO, any other): `s3:bucket/prefix`. */
import { z } from 'zod';
import { defineDestination } from '../define.ts';
import { PROVIDERS, connectionProblems, resolveConnection } from './presets.ts';

const MiB = 1024 * 1024;

export const s3Options = z.object({
  bucket: z.string().min(3).max(63).describe('Bucket name'),
  prefix: z.string().default('').transform((p) => p.replace(/^\/+|\/+$/g, '')).describe('Folder inside the bucket (optional)'),
  provider: z.enum(PROVIDERS).default('aws').describe('Storage provider; sets endpoint, addressing style and checksum defaults'),
  endpoint: z.string().optional().describe('Endpoint URL (required for minio and custom, derived for the others)'),
  region: z.string().optional().describe('Region of the bucket (us-east-1 when omitted; "auto" for R2)'),
  accountId: z.string().optional().describe('Cloudflare account id (R2 only)'),
  forcePathStyle: z.boolean().optional().describe('Address buckets as https://host/bucket instead of https://bucket.host'),
  checksumMode: z.enum(['when-required', 'when-supported']).optional()
    .describe('when-supported adds CRC32 checksums to uploads (AWS); when-required sends Content-MD5 on parts only'),
  accessKeyId: z.string().optional().describe('Access key id (else AWS_ACCESS_KEY_ID or the AWS profile files)'),
  secretAccessKey: z.string().optional().meta({ secret: true }).describe('Secret access key'),
  sessionToken: z.string().optional().meta({ secret: true }).describe('Session token for temporary credentials'),
  profile: z.string().optional().describe('Profile in ~/.aws/credentials and ~/.aws/config (else AWS_PROFILE or "default")'),
  storageClass: z.string().optional().describe('Storage class of new files, e.g. STANDARD_IA, GLACIER_IR, DEEP_ARCHIVE'),
  objectLockMode: z.enum(['GOVERNANCE', 'COMPLIANCE']).optional().describe('Object Lock retention mode for new files (the bucket must have Object Lock enabled)'),
  objectLockDays: z.int().min(1).max(36500).optional().describe('Days each new file is locked against deletion and overwrite'),
  // S3's minimum, as in lib-storage: the store's part buffers are this size, so it sets a large upload's memory
  // (a 4 GiB video to s3rver: 233 MB peak RSS with 8 MiB parts, 211 MB with 5 MiB, and no slower).
  partSizeMiB: z.int().min(5).max(5120).default(5).describe('Preferred multipart part size in MiB (grown automatically so a file fits in 10,000 parts)'),
  multipartThresholdMiB: z.int().min(5).max(5120).default(16).describe('Files larger than this go up in parts (resumable)'),
  partConcurrency: z.int().min(1).max(32).default(4)
    .describe('Parts of one file uploaded at once (memory: all uploads share this + 2 part buffers of part size)'),
  staleUploadDays: z.int().min(1).default(7).describe('Unfinished uploads older than this are aborted instead of resumed'),
}).superRefine((o, ctx) => {
  for (const message of connectionProblems(o)) ctx.addIssue({ code: 'custom', message });
  if ((o.objectLockMode === undefined) !== (o.objectLockDays === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'objectLockMode and objectLockDays go together', path: ['objectLockDays'] });
  }
  if (o.accessKeyId !== undefined && o.secretAccessKey === undefined) {
    ctx.addIssue({ code: 'custom', message: 'accessKeyId needs secretAccessKey', path: ['secretAccessKey'] });
  }
}).transform((o) => ({ ...o, multipartThreshold: o.multipartThresholdMiB * MiB, partSize: o.partSizeMiB * MiB }));
export type S3Options = z.output<typeof s3Options>;

export const s3Destination = defineDestination({
  kind: 's3',
  title: 'S3-compatible storage (AWS, B2, Wasabi, R2, MinIO)',
  options: s3Options,
  parseTarget(target) {
    const [bucket = '', ...rest] = target.replace(/^\/+/, '').split('/');
    return { bucket, prefix: rest.join('/') };
  },
  idOf(o) {
    const { endpoint } = resolveConnection(o);
    return `s3:${endpoint ?? 'aws'}/${o.bucket}${o.prefix ? `/${o.prefix}` : ''}`;
  },
  // The AWS SDK costs ~25 MB and 130 ms to load: only when an S3 destination is actually used.
  create: async (o, ctx) => (await import('./s3-store.ts')).createS3Store(o, ctx),
});
