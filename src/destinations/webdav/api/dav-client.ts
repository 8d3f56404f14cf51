/** @module Minimal WebDAV wire client on undici: one pooled agent, basic auth, typed status errors, PROPFIND parsed with zod. */
import { Agent, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { parseXML } from 'webdav';
import { z } from 'zod';

/** A response outside the expected statuses; errors.ts turns it into a TransferError. */
export class DavStatusError extends Error {
  override readonly name = 'DavStatusError';
  constructor(readonly method: string, readonly url: string, readonly status: number, readonly retryAfterMs?: number) {
    super(`${method} ${decodeURI(new URL(url).pathname)} → HTTP ${status}`);
  }
}

export interface DavEntry {
  /** Decoded path relative to the client's base URL, no leading or trailing slash ('' for the base itself). */
  readonly path: string;
  readonly isDirectory: boolean;
  readonly size: number;
  readonly modTime?: Date;
  /** Nextcloud/ownCloud `oc:checksums`, e.g. `SHA1:… MD5:…`. */
  readonly checksums?: string;
}

export interface DavRequest {
  readonly headers?: Record<string, string>;
  readonly body?: Readable | Buffer | string;
  readonly signal: AbortSignal;
  /** Statuses that count as success (default: any 2xx). */
  readonly ok?: readonly number[];
}

const PROPFIND_BODY = '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">'
  + '<d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/><oc:checksums/></d:prop></d:propfind>';

const propSchema = z.object({
  resourcetype: z.union([z.string(), z.object({ collection: z.unknown().optional() }).loose()]).optional(),
  getcontentlength: z.coerce.number().optional(),
  getlastmodified: z.string().optional(),
  checksums: z.object({ checksum: z.unknown() }).loose().or(z.string()).optional(),
}).loose();
const propstatSchema = z.object({ prop: propSchema.optional(), status: z.string().optional() }).loose();
const multistatusSchema = z.object({
  multistatus: z.object({
    response: z.array(z.object({ href: z.coerce.string(), propstat: z.union([propstatSchema, z.array(propstatSchema)]) }).loose())
      .or(z.object({ href: z.coerce.string() }).loose().transform((r) => [r])).optional(),
  }).loose(),
});

/** Percent-encodes each segment so `#`, `?`, `&`, spaces and non-ASCII survive in the URL. */
export const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

export interface DavClient {
  /** Absolute URL of a store-relative path (`''` is the base collection; a trailing `/` is kept). */
  urlOf(path: string): string;
  send(method: string, url: string, r: DavRequest): Promise<Dispatcher.ResponseData>;
  /** PROPFIND at `url` with the given depth; null when nothing is there. */
  propfind(url: string, depth: '0' | '1' | 'infinity', signal: AbortSignal): Promise<DavEntry[] | null>;
  close(): Promise<void>;
}

export function createDavClient(o: { url: string; username: string; password: string; connections: number }): DavClient {
  const base = new URL(o.url.endsWith('/') ? o.url : `${o.url}/`);
  const basePath = decodeURIComponent(base.pathname);
  const dispatcher = new Agent({ connections: o.connections, keepAliveTimeout: 10_000 });
  const authorization = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`;

  async function send(method: string, url: string, r: DavRequest): Promise<Dispatcher.ResponseData> {
    const res = await request(url, {
      method: method as Dispatcher.HttpMethod, dispatcher, signal: r.signal,
      headers: { authorization, ...r.headers }, ...(r.body !== undefined ? { body: r.body } : {}),
    });
    const ok = r.ok ? r.ok.includes(res.statusCode) : res.statusCode >= 200 && res.statusCode < 300;
    if (!ok) {
      await res.body.dump().catch(() => undefined);
      const retryAfter = Number(res.headers['retry-after']);
      throw new DavStatusError(method, url, res.statusCode, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
    }
    return res;
  }

  function entryOf(href: string, propstat: z.infer<typeof propstatSchema> | z.infer<typeof propstatSchema>[]): DavEntry {
    const found = (Array.isArray(propstat) ? propstat : [propstat]).filter((p) => !p.status || / 2\d\d /.test(`${p.status} `));
    const prop = Object.assign({}, ...found.map((p) => p.prop ?? {})) as z.infer<typeof propSchema>;
    const full = decodeURIComponent(new URL(href, base).pathname);
    const path = full.startsWith(basePath) ? full.slice(basePath.length).replace(/\/$/, '') : full.replace(/^\/|\/$/g, '');
    const rt = prop.resourcetype;
    const checksum = typeof prop.checksums === 'object' ? prop.checksums.checksum : prop.checksums;
    return {
      path,
      isDirectory: typeof rt === 'object' && 'collection' in rt,
      size: prop.getcontentlength ?? 0,
      ...(prop.getlastmodified ? { modTime: new Date(prop.getlastmodified) } : {}),
      ...(typeof checksum === 'string' && checksum !== '' ? { checksums: checksum } : {}),
    };
  }

  return {
    urlOf: (path) => new URL(encodePath(path), base).toString(),
    send,
    async propfind(url, depth, signal) {
      let res;
      try {
        res = await send('PROPFIND', url, { signal, headers: { depth, 'content-type': 'application/xml; charset=utf-8' }, body: PROPFIND_BODY, ok: [207] });
      } catch (err) {
        if (err instanceof DavStatusError && err.status === 404) return null;
        throw err;
      }
      const parsed = multistatusSchema.parse(await parseXML(await res.body.text()));
      return (parsed.multistatus.response ?? []).map((r) => entryOf(r.href, 'propstat' in r ? r.propstat as z.infer<typeof propstatSchema> : {}));
    },
    close: () => dispatcher.close(),
  };
}
