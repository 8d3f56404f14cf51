/** @module Issue 11, acceptance 4: every field of CPLMaster and CPLAsset removed or mistyped in turn, through the whole listing — it completes, and what it leaves out is counted with a reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { LibraryState } from '../../simulator/library/state.ts';
import { assetRecord, masterRecord } from '../../simulator/library/render.ts';
import type { ChangePage, SkippedRecord } from '../source.ts';
import { IcloudSource } from './icloud-source.ts';
import { Pacer } from './pacer.ts';
import type { IcloudSession } from './session.ts';

const PAIRS = 12;
type Rec = { recordName?: unknown; recordType?: unknown; fields?: Record<string, unknown> } & Record<string, unknown>;

/** Realistic records: the simulator's rendering of a generated library (every shape: RAW, Live, edits, video…). */
function basePage(): Rec[] {
  const lib = new LibraryState({ seed: 4, assets: PAIRS, sharedLibrary: false });
  const sign = () => 'https://cvws.icloud-content.com/B/x/${f}?o=a&e=4102444800&s=sig';
  const out: Rec[] = [];
  for (let i = 0; i < PAIRS; i++) out.push(masterRecord(lib.asset(i), sign) as Rec, assetRecord(lib.asset(i), sign) as Rec);
  return out;
}

/** A CloudKit stand-in that serves `page` as the whole library (one zone, no albums). */
function session(page: unknown[]): IcloudSession {
  const answer = (op: string, body: { query?: { recordType?: string; filterBy?: { fieldName: string; fieldValue: { value: unknown } }[] } }): unknown => {
    if (op === 'zones/list') return { zones: op.length > 0 && body !== null ? [{ zoneID: { zoneName: 'PrimarySync' } }] : [] };
    if (op === 'changes/database') return { syncToken: 'db-1', zones: [] };
    if (op === 'internal/records/query/batch') return { batch: [{ records: [{ recordName: 'c', recordType: 'HyperionIndexCountLookup', fields: { itemCount: { value: PAIRS } } }] }] };
    if (op === 'records/lookup') return { records: [] };
    const type = body.query?.recordType;
    if (type === 'CheckIndexingState') return { records: [{ recordName: 'i', recordType: 'CheckIndexingState', fields: { state: { value: 'FINISHED' } } }] };
    if (type === 'CPLAlbumByPositionLive') return { records: [] };
    const start = body.query?.filterBy?.find((f) => f.fieldName === 'startRank')?.fieldValue.value;
    return { records: type === 'CPLAssetAndMasterByAssetDateWithoutHiddenOrDeleted' && start === 0 ? page : [], syncToken: 'z-1' };
  };
  return {
    appleId: 'fuzz@example.com', dsid: '1', webservices: { ckdatabasews: { url: 'https://ck.test' } },
    refresh: async () => {},
    fetch: async (url, init) => {
      const op = /\/(?:private|shared)\/(.+)$/.exec(new URL(url).pathname)?.[1] ?? '';
      if (url.includes('/shared/')) return Response.json({ zones: [] });
      return Response.json(answer(op, JSON.parse(String(init.body)) as never));
    },
  };
}

async function list(page: unknown[]): Promise<{ upserts: number; skipped: SkippedRecord[]; done: boolean }> {
  const source = new IcloudSource({
    appleId: 'fuzz@example.com', signIn: async () => session(page), state: memoryState(), log: silentLogger,
    pacer: new Pacer({ minIntervalMs: 0 }), client: { transientBackoffMs: 1 },
  });
  await source.connect(AbortSignal.timeout(10_000));
  let upserts = 0;
  const skipped: SkippedRecord[] = [];
  let last: ChangePage | undefined;
  for await (const p of source.changes(null, AbortSignal.timeout(10_000))) { upserts += p.upserts.length; skipped.push(...p.skipped ?? []); last = p; }
  return { upserts, skipped, done: last?.done === true };
}

/** Ways Apple's answers have been seen or could plausibly go wrong for one field. */
const MUTATIONS: [string, (v: unknown) => unknown][] = [
  ['removed', () => undefined], ['null', () => null], ['a bare string', () => 'x'], ['a bare number', () => 42],
  ['{value: null}', () => ({ value: null })], ['a wrong value type', (v) => ({ value: typeof (v as { value?: unknown })?.value === 'string' ? 7 : 'seven', type: 'STRING' })],
  ['an unknown type tag', (v) => ({ ...(v as object), type: 'NEW_TYPE_2026' })], ['a numeric type tag', (v) => ({ ...(v as object), type: 3 })],
];

test('baseline: the unmutated page lists every pair', async () => {
  const r = await list(basePage());
  assert.deepEqual({ upserts: r.upserts, skipped: r.skipped.length, done: r.done }, { upserts: PAIRS, skipped: 0, done: true });
});

test('every CPLMaster/CPLAsset field removed or mistyped in turn: the listing completes; anything left out is counted with its reason', async () => {
  const base = basePage();
  const targets: { index: number; key: string; inFields: boolean }[] = [];
  for (const index of [0, 1, 2, 3]) { // two pairs: master and asset of each
    const rec = base[index]!;
    for (const key of Object.keys(rec.fields ?? {})) targets.push({ index, key, inFields: true });
    for (const key of ['recordName', 'recordType', 'fields', 'created', 'modified', 'recordChangeTag']) targets.push({ index, key, inFields: false });
  }
  let cases = 0;
  const reasons = new Set<string>();
  for (const t of targets) {
    for (const [how, mutate] of MUTATIONS) {
      const page = structuredClone(base);
      const rec = page[t.index]!;
      const holder = (t.inFields ? rec.fields : rec) as Record<string, unknown>;
      const next = mutate(holder[t.key]);
      const mutated = Object.fromEntries(Object.entries(holder).filter(([k]) => k !== t.key || next !== undefined).map(([k, v]) => [k, k === t.key ? next : v]));
      if (t.inFields) rec.fields = mutated; else page[t.index] = mutated;
      const r = await list(page).catch((err: unknown) => assert.fail(`${t.key} of record ${t.index} ${how}: the listing threw ${String(err)}`));
      const what = `${t.key} of ${t.index % 2 === 0 ? 'CPLMaster' : 'CPLAsset'} #${t.index >> 1} ${how}`;
      assert.ok(r.done, `${what}: the listing reached its end`);
      assert.ok(r.upserts >= PAIRS - 1, `${what}: the other pairs are all listed (${r.upserts})`);
      if (r.upserts < PAIRS) {
        assert.ok(r.skipped.length >= 1, `${what}: the missing pair is counted as skipped`);
        for (const s of r.skipped) { assert.ok(s.record.length > 0 && s.reason.length > 0, `${what}: skipped with a name and a reason`); reasons.add(s.reason.replace(/\(.*$/, '').trim()); }
      }
      cases++;
    }
  }
  assert.ok(cases > 200, `${cases} mutated pages`);
  assert.ok(reasons.size >= 2, `several kinds of reasons: ${[...reasons].join(' | ')}`);
});
