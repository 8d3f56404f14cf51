/** @module Builds the S3Client from the options: preset connection, credentials chain, checksum mode, timeouts, signing. */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Logger } from '../../connectors/context.ts';
import { resolveConnection, type Connection } from './presets.ts';
import type { S3Options } from './index.ts';

export interface S3Connection extends Connection {
  readonly client: S3Client;
  /** Shown in error messages: the endpoint or "AWS (region)". */
  readonly label: string;
}

/** The SDK's logger type requires `info`, which it only calls when present (see below). */
type SdkLogger = NonNullable<S3ClientConfig['logger']>;

/**
 * The SDK's own messages, at debug level in our log. Without a logger the SDK writes some to the console itself: each
 * upload that failed and that the engine then retried printed "An error was encountered in a non-retryable streaming
 * request." on the user's terminal, even under --quiet. The engine reports what failed in its own words.
 */
function sdkLogger(log: Logger | undefined): SdkLogger {
  const debug = (...content: unknown[]) => log?.debug({ sdk: content.map(String).join(' ') }, 'aws-sdk');
  // No `info`: the SDK logs every request it completes at info, and only when the logger has one does it build that
  // entry (the input and output copied through their sensitivity filter): ~0.1 ms of CPU per small file's PUT.
  return { trace: () => {}, debug, warn: debug, error: debug } as unknown as SdkLogger;
}

export function createS3Client(o: S3Options, log?: Logger): S3Connection {
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
    logger: sdkLogger(log),
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // One attempt per call: the engine retries by TransferError kind, and the multipart writer retries single
    // parts itself (a streamed PUT body cannot be replayed by the SDK anyway).
    maxAttempts: 1,
    // The SDK resolves a command's middleware stack once per command class instead of on every send: about a third of
    // what a small file's PUT allocated, and 11% of a 10k-small-file upload's CPU. It holds only for sends without
    // per-call options, so the one hot send (a small file's PUT, s3-store.ts writeBytes) is cancelled another way.
    // The cached stack shares one context between requests in flight; its middleware write there what follows from
    // the client and the bucket (endpoint, signing scheme), the same for every request of a store's one bucket.
    cacheMiddleware: true,
    // requestTimeout is socket inactivity: a slow source (iCloud download feeding the PUT) must not trip it.
    requestHandler: { connectionTimeout: 15_000, requestTimeout: 180_000 },
  });
  client.middlewareStack.addRelativeTo(unsignedWhenMd5Signed, {
    name: 'photoferryUnsignedPayload', relation: 'before', toMiddleware: 'httpSigningMiddleware',
  });
  return { ...connection, client, label: connection.endpoint ?? `AWS (${connection.region})` };
}

type Headers = Record<string, string>;
const hasHeader = (headers: Headers, name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);

/**
 * The signer hashes a Buffer body (an upload part) with SHA-256 for x-amz-content-sha256: one more pass over
 * every byte, on the main thread. A request that carries Content-MD5 needs no such hash: Content-MD5 is itself
 * a signed header and the server checks the body against it, so the body stays bound to the signature (as
 * with the streamed PUT, which the SDK already sends as UNSIGNED-PAYLOAD). Bodies without Content-MD5 and
 * aws-chunked bodies (x-amz-content-sha256 already set) are left as the SDK made them.
 */
const unsignedWhenMd5Signed = <I extends object, O extends object>(next: (args: { request: unknown; input: I }) => Promise<O>) =>
  async (args: { request: unknown; input: I }): Promise<O> => {
    const headers = (args.request as { headers?: Headers } | undefined)?.headers;
    if (headers && hasHeader(headers, 'content-md5') && !hasHeader(headers, 'x-amz-content-sha256')) {
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    }
    return next(args);
  };
