/** @module Builds the S3Client from the options: preset connection, credentials chain, checksum mode, timeouts. */
import { S3Client } from '@aws-sdk/client-s3';
import { resolveConnection, type Connection } from './presets.ts';
import type { S3Options } from './index.ts';

export interface S3Connection extends Connection {
  readonly client: S3Client;
  /** Shown in error messages: the endpoint or "AWS (region)". */
  readonly label: string;
}

export function createS3Client(o: S3Options): S3Connection {
  const connection = resolveConnection(o);
  const checksums = connection.checksumMode === 'when-supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  const client = new S3Client({
    region: connection.region,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    forcePathStyle: connection.forcePathStyle,
    // Explicit keys win; otherwise the SDK's default chain: AWS_ACCESS_KEY_ID/…, AWS_PROFILE, ~/.aws files, SSO, IMDS.
    ...(o.accessKeyId && o.secretAccessKey
      ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, ...(o.sessionToken ? { sessionToken: o.sessionToken } : {}) } }
      : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // One attempt per call: the engine retries by TransferError kind, and the multipart writer retries single
    // parts itself (a streamed PUT body cannot be replayed by the SDK anyway).
    maxAttempts: 1,
    // requestTimeout is socket inactivity: a slow source (iCloud download feeding the PUT) must not trip it.
    requestHandler: { connectionTimeout: 15_000, requestTimeout: 180_000 },
  });
  return { ...connection, client, label: connection.endpoint ?? `AWS (${connection.region})` };
}
