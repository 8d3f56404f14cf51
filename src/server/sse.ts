/** @module Server-Sent Events of a run: live messages while it runs, its final snapshot and summary once it has ended. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveRun } from '../app/task-runner.ts';
import type { TaskRun } from '../app/task-runs.ts';
import { SECURITY_HEADERS } from './headers.ts';

function open(request: FastifyRequest, reply: FastifyReply) {
  reply.hijack();
  const res = reply.raw;
  // A hijacked reply skips onSend, so the security headers are written here.
  res.writeHead(200, {
    ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform',
    connection: 'keep-alive', 'x-accel-buffering': 'no',
  });
  res.write(': photoferry\n\n');
  const send = (type: string, data: unknown) => { if (!res.writableEnded) res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`); };
  const close = () => { if (!res.writableEnded) res.end(); };
  request.log.debug('sse open');
  return { send, close, res };
}

export function streamLive(request: FastifyRequest, reply: FastifyReply, live: LiveRun): void {
  const sse = open(request, reply);
  sse.send('snapshot', live.snapshot());
  let unsubscribe = () => {};
  const stop = () => { unsubscribe(); sse.close(); };
  unsubscribe = live.subscribe((m) => {
    sse.send(m.type, m.data);
    // The runner ends every run with a last snapshot once it is recorded, log included: that is the final message.
    // (A ticker snapshot after `finished` is not: the page reloads the log when the stream closes.)
    if (m.type === 'snapshot' && live.over) setImmediate(stop);
  });
  if (live.over) stop();
  sse.res.once('close', () => unsubscribe());
  // Comments keep proxies from timing the stream out between snapshots.
  const keepAlive = setInterval(() => { if (!sse.res.writableEnded) sse.res.write(': keep-alive\n\n'); else clearInterval(keepAlive); }, 15_000);
  keepAlive.unref();
  sse.res.once('close', () => clearInterval(keepAlive));
}

/** A run that is no longer live: its final numbers from the catalog, then the stream closes. */
export function streamEnded(request: FastifyRequest, reply: FastifyReply, run: TaskRun): void {
  const sse = open(request, reply);
  const s = run.summary;
  // The labelled counts (core/counts.ts) when the run has them: the original files and bytes the CLI reports too.
  const files = s === null ? 0 : s.counts?.originals.files ?? s.files.copied + s.files.failed + s.files.removed;
  const bytes = s === null ? 0 : s.counts?.originals.bytes ?? s.bytes;
  const state = s?.status ?? (run.status === 'running' ? 'failed' : run.status);
  sse.send('snapshot', { filesDone: files, files, bytesDone: bytes, bytes, bytesPerSecond: 0, etaSeconds: 0, state });
  if (run.error !== undefined) sse.send('failed', run.error);
  if (s !== null) sse.send('finished', { type: 'finished', runId: run.id, summary: s });
  sse.close();
}
