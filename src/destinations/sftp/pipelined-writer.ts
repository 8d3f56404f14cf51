/**
 * @module Pipelined SFTP upload: several WRITE requests in flight at increasing offsets.
 * ssh2's write stream waits for each reply before the next request and ran at 2–55 MB/s against OpenSSH
 * 9.2 here; 16 requests of 255 KiB in flight ran at about 230 MB/s. Big chunks are sent as they come (a copy
 * into fixed blocks cost a memcpy of every byte), small ones gathered.
 */
import type { Readable } from 'node:stream';
import { TransferError } from '../../core/transfer-error.ts';
import { releaseChunk } from '../../core/read-chunks.ts';
import { KIND } from './errors.ts';

/** Chunks at least this long go out as they are (split, never copied); shorter ones are gathered into one request. */
const DIRECT_MIN = 64 * 1024;

export interface PipelineOptions {
  /** Most bytes per WRITE request; OpenSSH announces 255 KiB as its limit (limits@openssh.com). */
  readonly blockSize: number;
  readonly inFlight: number;
  /** Bytes already on the server (resume): read from the body and dropped, not sent again. */
  readonly skip: number;
  readonly size: number;
  /** Called with the length of the prefix the server has acknowledged, after each block. */
  readonly onConfirmed?: (bytes: number) => void;
  /**
   * Sends the requests that end the file (times, fsync, close) right behind the last WRITE, without waiting
   * for the replies to the writes; only for a server that handles requests in order. Called once, when the
   * body ended at exactly `size` bytes and every WRITE was sent; its result settles with the writes.
   */
  readonly tail?: () => Promise<unknown>;
  /**
   * `write` has copied `data` by the time it returns (ssh2 copies a WRITE of up to its write limit into its
   * packet at once): a chunk the source lent (core/read-chunks.ts) is given back as soon as its last piece is
   * submitted. Without it no chunk is given back.
   */
  readonly copies?: boolean;
}

export interface PipelineResult {
  /** Bytes the body yielded (including skipped ones). */
  readonly seen: number;
}

/**
 * Sends `body` through `write(data, position)`. Resolves once every request is acknowledged; rejects with
 * the first failure (body error, write error, abort, or a body shorter or longer than `size`) after the rest settle.
 */
export async function pipelineWrite(
  body: Readable,
  write: (data: Buffer, position: number) => Promise<void>,
  o: PipelineOptions,
  signal: AbortSignal,
): Promise<PipelineResult> {
  const inFlight = new Map<number, Promise<void>>();
  let failure: unknown;
  let seen = 0;
  let position = o.skip;
  let parts: Buffer[] = [];
  /** The chunks `parts` came from, given back once the gathered request is submitted. */
  let gathered: Buffer[] = [];
  let buffered = 0;
  const release = (chunk: Buffer) => { if (o.copies) releaseChunk(chunk); };
  const direct = Math.min(DIRECT_MIN, o.blockSize);
  let ended: Promise<void> | undefined;

  const confirmed = () => (inFlight.size === 0 ? position : Math.min(...inFlight.keys()));
  const submit = async (data: Buffer) => {
    while (inFlight.size >= o.inFlight && failure === undefined) await Promise.race(inFlight.values());
    if (failure !== undefined) throw failure;
    const at = position;
    position += data.length;
    const request = write(data, at).then(
      () => { inFlight.delete(at); o.onConfirmed?.(confirmed()); },
      (err: unknown) => { inFlight.delete(at); failure ??= err; },
    );
    inFlight.set(at, request);
  };
  const flush = async () => {
    if (buffered === 0) return;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, buffered);
    const from = gathered;
    parts = [];
    gathered = [];
    buffered = 0;
    await submit(data);
    for (const chunk of from) release(chunk);
  };

  const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    signal.throwIfAborted();
    for await (const raw of body) {
      const whole = raw as Buffer;
      let chunk = whole;
      const start = seen;
      seen += chunk.length;
      if (seen > o.size) throw new TransferError('corrupted', `body longer than the declared ${o.size} bytes`, { connector: KIND });
      if (seen <= o.skip) { release(whole); continue; }
      if (start < o.skip) chunk = chunk.subarray(o.skip - start);
      if (chunk.length >= direct) {
        // Sent as views of the chunk, in equal pieces: a 256 KiB chunk is two 128 KiB requests, not a copy into 255 KiB blocks.
        await flush();
        const pieces = Math.ceil(chunk.length / o.blockSize);
        const step = Math.ceil(chunk.length / pieces);
        for (let at = 0; at < chunk.length; at += step) await submit(chunk.subarray(at, at + step));
        release(whole);
        continue;
      }
      // Small chunks are gathered: one request per 16 KiB chunk costs more than copying them.
      if (buffered + chunk.length > o.blockSize) await flush();
      parts.push(chunk);
      gathered.push(whole);
      buffered += chunk.length;
    }
    await flush();
    if (seen !== o.size) throw new TransferError('corrupted', `body ended after ${seen} of ${o.size} bytes`, { connector: KIND });
    if (o.tail && failure === undefined) ended = o.tail().then(() => undefined, (err: unknown) => { failure ??= err; });
  } catch (err) {
    failure ??= err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  await Promise.all([...inFlight.values(), ended]);
  if (failure !== undefined) throw failure;
  return { seen };
}

/**
 * A body already in memory (a small file): every WRITE, then `tail`, sent at once without a stream, and awaited
 * together; rejects with the first failure after all settled. Only for bodies of a few blocks (the caller checks).
 */
export async function writeWhole(
  bytes: Buffer,
  write: (data: Buffer, position: number) => Promise<void>,
  o: Pick<PipelineOptions, 'blockSize' | 'skip' | 'tail'>,
): Promise<void> {
  const requests: Promise<unknown>[] = [];
  const left = bytes.length - o.skip;
  const step = Math.ceil(left / Math.max(1, Math.ceil(left / o.blockSize)));
  for (let at = o.skip; at < bytes.length; at += step) requests.push(write(bytes.subarray(at, at + step), at));
  if (o.tail) requests.push(o.tail());
  const failed = (await Promise.allSettled(requests)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
