/** @module Bench: full listing of a large simulated library through IcloudSource, then a no-change incremental run. `node --import tsx src/simulator/bench/listing-bench.ts [assets]` */
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { IcloudSource } from '../../sources/icloud/icloud-source.ts';
import { Pacer } from '../../sources/icloud/pacer.ts';
import { startSimulator } from '../server.ts';
import { simSession } from '../testing/sim-session.ts';

const assets = Number(process.argv[2] ?? 100_000);
const signal = new AbortController().signal;
const t0 = Date.now();
const sim = await startSimulator({ assets, seed: 1 });
const source = new IcloudSource({
  appleId: sim.account.appleId, state: memoryState(), log: silentLogger,
  signIn: () => simSession(sim), pacer: new Pacer({ maxConcurrency: 6, minIntervalMs: 0 }),
});
await source.connect(signal);
const t1 = Date.now();
let n = 0;
let cursor: string | null = null;
for await (const page of source.changes(null, signal)) { n += page.upserts.length; cursor = page.cursor ?? cursor; }
const t2 = Date.now();
const calls = () => [...source.calls.values()].reduce((a, b) => a + b, 0);
const before = calls();
for await (const page of source.changes(cursor, signal)) void page;
const t3 = Date.now();
const rss = Math.round(process.memoryUsage().rss / 1e6);
console.log(JSON.stringify({ assets, listed: n, startMs: t1 - t0, listMs: t2 - t1, assetsPerSec: Math.round(n / ((t2 - t1) / 1000)), listRequests: before, noopMs: t3 - t2, noopRequests: calls() - before, rssMB: rss }));
await sim.stop();
