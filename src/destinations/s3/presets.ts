/** @module Provider presets: how endpoint, region, addressing style and checksum mode follow from "b2", "r2", ... */

export const PROVIDERS = ['aws', 'b2', 'wasabi', 'r2', 'minio', 'custom'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * `when-supported`: the SDK adds CRC32 checksums to every upload (a streamed PUT becomes aws-chunked with a
 * trailer). Only AWS itself is known to verify that; s3rver stores the chunk framing verbatim (silent
 * corruption), so every other provider defaults to `when-required`, where parts carry Content-MD5 instead.
 */
export type ChecksumMode = 'when-required' | 'when-supported';

export interface ConnectionInput {
  readonly provider: Provider;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly accountId?: string | undefined;
  readonly forcePathStyle?: boolean | undefined;
  readonly checksumMode?: ChecksumMode | undefined;
}

export interface Connection {
  /** Undefined for AWS: the SDK derives it from the region. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly checksumMode: ChecksumMode;
}

/** What each provider needs from the user, checked by the options schema before `resolveConnection` runs. */
export function connectionProblems(o: ConnectionInput): string[] {
  const problems: string[] = [];
  if ((o.provider === 'minio' || o.provider === 'custom') && !o.endpoint) {
    problems.push(`provider "${o.provider}" needs an endpoint, e.g. https://s3.example.com:9000`);
  }
  if (o.provider === 'r2' && !o.endpoint && !o.accountId) {
    problems.push('provider "r2" needs the Cloudflare accountId (or the full endpoint)');
  }
  if ((o.provider === 'b2' || o.provider === 'wasabi') && !o.endpoint && !o.region) {
    problems.push(`provider "${o.provider}" needs the bucket's region (e.g. ${o.provider === 'b2' ? 'us-west-004' : 'eu-central-1'})`);
  }
  if (o.endpoint && !/^https?:\/\/[^/]+/.test(o.endpoint)) problems.push('endpoint must start with http:// or https://');
  return problems;
}

export function resolveConnection(o: ConnectionInput): Connection {
  const mode = (fallback: ChecksumMode) => o.checksumMode ?? fallback;
  const pathStyle = (fallback: boolean) => o.forcePathStyle ?? fallback;
  const endpoint = o.endpoint?.replace(/\/+$/, '');
  switch (o.provider) {
    case 'aws':
      return { endpoint, region: o.region ?? 'us-east-1', forcePathStyle: pathStyle(false), checksumMode: mode('when-supported') };
    case 'b2':
      return { endpoint: endpoint ?? `https://s3.${o.region}.backblazeb2.com`, region: o.region ?? regionFrom(endpoint) ?? 'us-west-004', forcePathStyle: pathStyle(false), checksumMode: mode('when-required') };
    case 'wasabi':
      return { endpoint: endpoint ?? `https://s3.${o.region}.wasabisys.com`, region: o.region ?? regionFrom(endpoint) ?? 'us-east-1', forcePathStyle: pathStyle(false), checksumMode: mode('when-required') };
    case 'r2':
      // R2 accepts only "auto" (or us-east-1) as the signing region.
      return { endpoint: endpoint ?? `https://${o.accountId}.r2.cloudflarestorage.com`, region: o.region ?? 'auto', forcePathStyle: pathStyle(true), checksumMode: mode('when-required') };
    case 'minio':
    case 'custom':
      // Self-hosted servers rarely have wildcard DNS for bucket sub-domains: path style by default.
      return { endpoint, region: o.region ?? 'us-east-1', forcePathStyle: pathStyle(true), checksumMode: mode('when-required') };
  }
}

/** `https://s3.us-west-004.backblazeb2.com` → `us-west-004`. */
const regionFrom = (endpoint: string | undefined): string | undefined => /^https?:\/\/s3\.([a-z0-9-]+)\./.exec(endpoint ?? '')?.[1];
