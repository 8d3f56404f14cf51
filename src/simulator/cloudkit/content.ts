/** @module The content host (`cvws.icloud-content.com` stand-in): signed, expiring URLs, Range/206, and download faults. */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { bytesAt, headerOf } from '../library/media-bytes.ts';
import type { SimRoutes } from '../types.ts';
import type { SimState } from '../state.ts';

const SLICE = 64 * 1024;

function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (header === undefined) return null;
  const m = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  if (m === null) return 'bad';
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  return start >= size || end <= start ? 'bad' : { start, end };
}

/** Resolves on 'drain', or on 'close' when the client went away (a bare once('drain') would wait forever). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function contentRoutes(sim: SimState): SimRoutes {
  return async ({ req, res, url }) => {
    if (!url.pathname.startsWith('/B/')) return false;
    sim.requests.content++;
    const q = url.searchParams;
    const verdict = sim.verifyUrl(q.get('o') ?? '', q.get('e') ?? '0', q.get('s') ?? '');
    const common = { 'access-control-allow-origin': 'https://www.icloud.com', 'x-responding-instance': 'contentvendorws:photoferry-sim' };
    // Apple's answer to an expired signed URL was never recorded; 410 is our choice and the client refetches on any 4xx but 404.
    if ('error' in verdict) { res.writeHead(verdict.error === 'expired' ? 410 : 403, { ...common, 'content-type': 'text/plain' }); res.end(verdict.error === 'expired' ? 'URL expired' : 'Forbidden'); return true; }
    const ceiling = sim.clock.overCeiling(verdict.owner);
    if (ceiling !== undefined) {
      const status = ceiling.kind === '429' ? 429 : 503;
      res.writeHead(status, { ...common, 'content-type': 'text/plain', 'retry-after': String(ceiling.retryAfterSec ?? 1) });
      res.end(status === 429 ? 'Too Many Requests' : 'Service Temporarily Unavailable');
      return true;
    }
    const spec = sim.contentOf(verdict.key);
    if (spec === undefined) { res.writeHead(404, { ...common, 'content-type': 'text/plain' }); res.end('File Not Found'); return true; }
    const range = parseRange(req.headers.range, spec.size);
    if (range === 'bad') { res.writeHead(416, { ...common, 'content-range': `bytes */${spec.size}` }); res.end(); return true; }
    const { start, end } = range ?? { start: 0, end: spec.size };
    res.writeHead(range === null ? 200 : 206, {
      ...common, 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', 'content-length': String(end - start),
      'content-disposition': 'attachment; filename="%24%7Bf%7D"; filename*=UTF-8\'\'%24%7Bf%7D',
      ...(range === null ? {} : { 'content-range': `bytes ${start}-${end - 1}/${spec.size}` }),
    });
    const f = sim.faults.download;
    const cut = start + Math.floor((end - start) / 2);
    const reset = (f.resets ?? 0) > 0 ? (f.resets!--, true) : false;
    const truncate = !reset && (f.truncations ?? 0) > 0 ? (f.truncations!--, true) : false;
    const stall = f.stall !== undefined && f.stall.count > 0 ? (f.stall.count--, f.stall.ms) : undefined;
    const header = headerOf(spec);
    let armed = reset || truncate || stall !== undefined;
    const rate = f.bytesPerSec !== undefined && f.bytesPerSec > 0 ? f.bytesPerSec : undefined;
    // A throttled body goes out in pieces of ~50 ms each, paced *before* they are written: a 64 KiB slice
    // written then slept over arrived all at once (small files were not throttled at all) and then left
    // gaps of SLICE / rate seconds, long enough to look like a stall to a client with a short watchdog.
    const piece = rate === undefined ? SLICE : Math.max(1, Math.min(SLICE, Math.floor(rate / 20)));
    let began = Date.now();
    for (let pos = start; pos < end;) {
      if (res.destroyed) return true;
      let next = Math.min(end, pos + piece);
      if (armed && next > cut) {
        if (pos < cut) next = cut;
        else {
          armed = false;
          if (reset) { req.socket.destroy(); return true; }
          if (truncate) { req.socket.end(); return true; }
          await sleep(stall!);
          began += stall!;
          if (res.destroyed) return true;
        }
      }
      // Against a schedule rather than per piece, so timer overshoot does not add up to a slower rate.
      if (rate !== undefined) await sleep(Math.max(0, began + ((next - start) / rate) * 1000 - Date.now()));
      if (res.destroyed) return true;
      // Listen for 'drain' in the same tick as the write: awaiting anything in between (the throttle's sleep
      // did) can miss it, and this response never ends. Its keep-alive socket then holds every later
      // response queued behind it, so the client's next request on it (a download, or a CloudKit call:
      // one origin here) never even gets headers.
      if (!res.write(bytesAt(spec, pos, next, header))) await drained(res);
      pos = next;
    }
    res.end();
    return true;
  };
}
