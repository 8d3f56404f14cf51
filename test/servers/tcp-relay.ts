/** @module A TCP relay to a loopback server whose connections a test can count and cut, like a flaky Wi-Fi link. */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open right now. */
  readonly open: number;
  /** Destroys every open connection (both sides). */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  const pairs = new Set<Socket>();
  const sockets = new Set<Socket>();
  let accepted = 0;
  const proxy: Server = createServer((inbound) => {
    accepted++;
    pairs.add(inbound);
    inbound.on('close', () => pairs.delete(inbound));
    const outbound = connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) { sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    get accepted() { return accepted; },
    get open() { return pairs.size; },
    cut: () => { for (const s of sockets) s.destroy(); },
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); proxy.close(() => resolve()); }),
  };
}
