/**
 * @module Nextcloud chunked upload v2: MKCOL uploads/<user>/<id>, PUT numbered chunks, MOVE .file onto the target.
 * Each chunk is held in memory so a dropped connection costs one chunk, and the upload id lives in ctx.state so
 * the next attempt skips the chunks the server already has (a 4 GB video survives a flaky link).
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ConnectorState, Logger } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { WriteMeta } from '../file-store.ts';
import type { DavClient } from './api/dav-client.ts';
import { KIND, toTransferError } from './errors.ts';

export interface NextcloudOptions {
  /** Files of at least this many bytes go up in chunks. */
  readonly chunkThreshold: number;
  /** Nextcloud wants 5 MiB … 5 GiB per chunk (the last may be smaller). */
  readonly chunkSize: number;
  /** `…/remote.php/dav/uploads/<user>/` */
  readonly uploadsUrl: string;
  /** Attempts per chunk after a retryable failure. */
  readonly chunkRetries: number;
}

interface Deps { readonly dav: DavClient; readonly nextcloud: NextcloudOptions; readonly state: ConnectorState; readonly log: Logger }
interface Saved { readonly id: string; readonly chunkSize: number }

export const STATE_PREFIX = 'webdav/nextcloud-upload/';
const chunkName = (n: number) => String(n).padStart(5, '0');

/** Exactly `size`-byte buffers from a stream (the last one shorter); longer than `total` fails as corrupted. */
async function* chunksOf(body: Readable, size: number, total: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  let seen = 0;
  for await (const raw of body) {
    let chunk = raw as Buffer;
    seen += chunk.length;
    if (seen > total) throw new TransferError('corrupted', `body longer than the declared ${total} bytes`, { connector: KIND });
    while (chunk.length > 0) {
      const take = Math.min(chunk.length, size - held);
      parts.push(chunk.subarray(0, take));
      held += take;
      chunk = chunk.subarray(take);
      if (held === size) { yield Buffer.concat(parts, held); parts = []; held = 0; }
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
  if (seen !== total) throw new TransferError('corrupted', `body ended after ${seen} of ${total} bytes`, { connector: KIND });
}

/** Chunks already on the server, counted from 1 while each has the size it should. */
async function chunksPresent(d: Deps, folder: string, saved: Saved, total: number, signal: AbortSignal): Promise<number | null> {
  const entries = await d.dav.propfind(folder, '1', signal);
  if (entries === null) return null;
  const sizes = new Map(entries.map((e) => [Number(e.path.slice(e.path.lastIndexOf('/') + 1)), e.size]));
  let n = 0;
  while (n * saved.chunkSize < total && sizes.get(n + 1) === Math.min(saved.chunkSize, total - n * saved.chunkSize)) n++;
  return n;
}

export async function chunkedUpload(d: Deps, targetUrl: string, path: string, body: Readable, meta: WriteMeta, signal: AbortSignal): Promise<void> {
  const key = `${STATE_PREFIX}${targetUrl}#${meta.size}${meta.sha256 ? `#${meta.sha256}` : ''}`;
  const common = { destination: targetUrl, 'oc-total-length': String(meta.size) };
  let saved = await d.state.get<Saved>(key);
  let folder = saved ? new URL(`${saved.id}/`, d.nextcloud.uploadsUrl).toString() : '';
  let done = saved ? await chunksPresent(d, folder, saved, meta.size, signal).catch(() => null) : null;
  if (saved && done !== null) d.log.info({ path, chunks: done }, 'webdav: resuming a Nextcloud chunked upload');
  if (!saved || done === null) {
    saved = { id: `photoferry-${randomUUID()}`, chunkSize: d.nextcloud.chunkSize };
    folder = new URL(`${saved.id}/`, d.nextcloud.uploadsUrl).toString();
    done = 0;
    await (await d.dav.send('MKCOL', folder, { signal, headers: { destination: targetUrl }, ok: [201] })).body.dump();
    await d.state.set(key, saved);
  }
  const onAbort = () => body.destroy(new Error('aborted'));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    let n = 0;
    for await (const chunk of chunksOf(body, saved.chunkSize, meta.size)) {
      n++;
      if (n <= done) continue;
      await putChunk(d, `${folder}${chunkName(n)}`, chunk, common, signal);
    }
    const headers: Record<string, string> = { ...common, overwrite: 'T' };
    if (meta.sha256) headers['oc-checksum'] = `SHA256:${meta.sha256}`;
    if (meta.modTime) headers['x-oc-mtime'] = String(Math.floor(meta.modTime.getTime() / 1000));
    await (await d.dav.send('MOVE', `${folder}.file`, { signal, headers, ok: [201, 204] })).body.dump();
    await d.state.delete(key);
  } catch (err) {
    const failure = toTransferError(err, `chunked upload of ${path}`);
    // Keep the chunks for a retry unless the bytes themselves were wrong or the user gave up on this file.
    if (failure.kind === 'corrupted' || failure.kind === 'invalid-input') {
      await d.state.delete(key);
      await d.dav.send('DELETE', folder, { signal: AbortSignal.timeout(10_000), ok: [200, 204, 404] }).then((r) => r.body.dump()).catch(() => undefined);
    }
    throw failure;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function putChunk(d: Deps, url: string, chunk: Buffer, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await d.dav.send('PUT', url, { signal, body: chunk, headers: { ...headers, 'content-length': String(chunk.length) }, ok: [200, 201, 204] });
      await res.body.dump();
      return;
    } catch (err) {
      const failure = toTransferError(err, `chunk ${url}`);
      if (!failure.retryable || attempt >= d.nextcloud.chunkRetries || signal.aborted) throw failure;
      d.log.warn({ url, attempt, error: failure.message }, 'webdav: retrying a chunk');
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 8000)));
    }
  }
}
