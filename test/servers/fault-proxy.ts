/** @module A tiny HTTP proxy for fault tests: forwards to a loopback server, counts body bytes, injects faults on request. */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly type: 'status'; readonly status: number; readonly code: string; readonly retryAfter?: number }
  /** Reads `afterBytes` of the request body, then drops the connection without answering. */
  | { readonly type: 'drop'; readonly afterBytes: number }
  /** Answers with this response instead of the upstream server (e.g. a feature the server lacks). */
  | { readonly type: 'respond'; readonly status: number; readonly body: string }
  /** Reads the whole request body and never answers: a server that hangs (until the client gives up or `stop`). */
  | { readonly type: 'stall' };

export interface FaultRule {
  readonly match: (req: IncomingMessage) => boolean;
  readonly fault: Fault;
  /** How many matching requests get the fault (default: all). */
  times?: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Request-body bytes that reached the upstream server. */
  readonly forwardedBytes: number;
  /** Every request seen: method, URL and headers. */
  readonly requests: readonly { method: string; url: string; headers: IncomingMessage['headers'] }[];
  /** Called for each forwarded body chunk with the running total (lets a test abort mid-upload). */
  onForward: ((total: number) => void) | undefined;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  resetCounters(): void;
  stop(): Promise<void>;
}

const xmlError = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by fault proxy</Message><RequestId>fault</RequestId></Error>`;

export interface FaultProxyOptions {
  /**
   * Hold each request body until it has fully arrived and drop it when the client goes away: makes a
   * server that writes bodies in place (s3rver) as all-or-nothing as real S3 is.
   */
  readonly storeAndForward?: boolean;
}

export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rules: FaultRule[] = [];
  let forwardedBytes = 0;
  const requests: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];

  const inject = (req: IncomingMessage, res: ServerResponse, fault: Fault) => {
    if (fault.type === 'stall') { req.resume(); return; }
    if (fault.type === 'drop') {
      let seen = 0;
      req.on('data', (c: Buffer) => { seen += c.length; if (seen >= fault.afterBytes) req.socket.destroy(); });
      req.on('end', () => req.socket.destroy());
      return;
    }
    // Drain the body first, as real servers do, so the client sees the status rather than EPIPE.
    req.resume();
    req.on('end', () => {
      const body = fault.type === 'status' ? xmlError(fault.code) : fault.body;
      res.writeHead(fault.status, {
        'content-type': 'application/xml', 'content-length': Buffer.byteLength(body),
        ...(fault.type === 'status' && fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
      });
      res.end(body);
    });
  };

  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const rule = rules.find((r) => (r.times === undefined || r.times > 0) && r.match(req));
    if (rule) {
      if (rule.times !== undefined) rule.times--;
      inject(req, res, rule.fault);
      return;
    }
    const forward = () => {
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => res.destroy());
      return out;
    };
    const count = (c: Buffer) => { forwardedBytes += c.length; proxy.onForward?.(forwardedBytes); };
    if (options.storeAndForward) {
      // The upstream request is opened only once the whole body is here: s3rver creates the object file
      // as soon as it sees the headers.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => { count(c); chunks.push(c); });
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const declared = req.headers['content-length'];
        // A client that gives up can still close its side cleanly; a short body is not a request.
        if (declared !== undefined && Number(declared) !== body.length) { res.destroy(); return; }
        forward().end(body);
      });
      return;
    }
    const out = forward();
    req.on('data', count);
    req.on('aborted', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: FaultProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    get forwardedBytes() { return forwardedBytes; },
    requests,
    onForward: undefined,
    addFault: (rule) => { rules.push(rule); },
    clearFaults: () => { rules = []; },
    resetCounters: () => { forwardedBytes = 0; requests.length = 0; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return proxy;
}
