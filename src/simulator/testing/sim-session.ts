/** @module Test helper: an IcloudSession against a running simulator, signed in through `/__sim/session` (no SRP), refreshable. */
import type { IcloudSession } from '../../sources/icloud/session.ts';
import type { Simulator } from '../server.ts';

export interface SimSession extends IcloudSession {
  readonly refreshes: number;
}

export async function simSession(sim: Simulator): Promise<SimSession> {
  let cookie = '';
  let refreshes = 0;
  const login = async () => {
    const r = await fetch(`${sim.baseUrl}/__sim/session`, { method: 'POST' });
    cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    await r.arrayBuffer();
  };
  await login();
  return {
    appleId: sim.account.appleId,
    dsid: '12345678901',
    webservices: { ckdatabasews: { url: sim.baseUrl } },
    get refreshes() { return refreshes; },
    fetch: (url, init) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } }),
    refresh: async () => { refreshes++; await login(); },
  };
}
