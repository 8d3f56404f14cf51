/**
 * @module Property (issue 16, acceptance 4): over random libraries, damage, destinations and filters, what free-up
 * selects for removal is always a subset of what truly verified — checked through the real checkAsset and decide.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { assetId, type Asset, type Resource, type ResourceRole } from '../../core/asset.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { Destination, Placement } from '../../destinations/destination.ts';
import { fingerprintOf } from '../../engine/plan.ts';
import { excludedBy, type Criteria } from './criteria.ts';
import { selectForRemoval, type ResourceCheck } from './select.ts';
import { checkAsset, DestinationUnreachable } from './verify-copies.ts';

/** mulberry32: a tiny seeded generator, so a failing case is reproducible from its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

type Damage = 'intact' | 'flipped' | 'deleted' | 'unreadable' | 'unrecorded' | 'stale';
type Flavor = 'readable' | 'hook' | 'blind';

interface Store { flavor: Flavor; id: string; bytes: Map<string, Buffer>; broken: Set<string>; down: boolean }

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function randomAsset(r: Rng, i: number): { asset: Asset; bytes: Map<ResourceRole, Buffer> } {
  const kind = r.pick(['photo', 'video', 'live-photo'] as const);
  const roles: ResourceRole[] = ['original'];
  if (kind === 'live-photo') roles.push('live-video');
  if (kind === 'photo' && r.chance(0.2)) roles.push('raw');
  if (r.chance(0.2)) roles.push(kind === 'video' ? 'edited-video' : 'edited');
  const bytes = new Map(roles.map((role) => [role, Buffer.from(`${i}:${role}:${r.int(1e9)}`)]));
  const resources: Resource[] = roles.map((role) => ({ role, filename: `IMG_${i}.${role}`, size: bytes.get(role)!.length, contentType: 'application/octet-stream', checksum: { algorithm: 'icloud', value: `c${i}${role}` } }));
  const takenAt = new Date(Date.UTC(2014 + r.int(12), r.int(12), 1 + r.int(28)));
  const albums = r.chance(0.3) ? [{ id: `al${r.int(3)}`, path: [`Album ${r.int(3)}`] }] : [];
  return { asset: { id: assetId(`A${i}`), version: 'v1', kind, takenAt, addedAt: takenAt, filename: `IMG_${i}`, resources, albums, favorite: r.chance(0.15), hidden: r.chance(0.05) }, bytes };
}

function destinationOf(store: Store): Destination {
  const fail = (): never => { throw new Error('not used'); };
  const read = async (path: string) => {
    if (store.down) throw new TransferError('transient', 'connection refused', { connector: 'test' });
    if (store.broken.has(path)) throw new TransferError('permanent', 'I/O error', { connector: 'test' });
    const b = store.bytes.get(path);
    if (b === undefined) throw new TransferError('not-found', 'no such file', { connector: 'test' });
    return Readable.from([b]);
  };
  return {
    id: store.id, kind: store.flavor, capabilities: { albums: false, deletions: true, serverSideCopy: false, caseInsensitive: false, read: store.flavor === 'readable', hashes: [], heic: true },
    check: fail, put: fail, stat: fail, remove: fail, cleanup: async () => undefined, close: async () => undefined,
    ...(store.flavor === 'readable' ? { read } : {}),
    ...(store.flavor === 'hook' ? {
      verifyChecksum: async (p: Placement) => {
        if (store.down) throw new TransferError('transient', 'service down', { connector: 'test' });
        const b = store.bytes.get(p.path);
        return b === undefined ? 'missing' : r0.chance(0.2) ? 'unverifiable' : sha(b) === p.sha256 ? 'ok' : 'different';
      },
    } : {}),
  };
}
const r0 = rng(7);

interface Case { assets: Asset[]; stores: Store[]; placements: Map<string, Placement>; truth: Map<string, Damage>; criteria: Criteria; explicit: string[] | undefined }

function randomCase(seed: number): Case {
  const r = rng(seed);
  const made = Array.from({ length: 3 + r.int(25) }, (_, i) => randomAsset(r, i));
  const stores: Store[] = Array.from({ length: 1 + r.int(3) }, (_, k) => ({ flavor: r.pick(['readable', 'readable', 'hook', 'blind'] as const), id: `d${k}`, bytes: new Map(), broken: new Set(), down: r.chance(0.05) }));
  const placements = new Map<string, Placement>();
  const truth = new Map<string, Damage>();
  for (const { asset, bytes } of made) {
    for (const s of stores) {
      if (r.chance(0.15)) continue; // this destination never got the asset
      for (const res of asset.resources) {
        const key = `${s.id}|${asset.id}|${res.role}`;
        const damage = r.chance(0.7) ? 'intact' : r.pick(['flipped', 'deleted', 'unreadable', 'unrecorded', 'stale'] as const);
        truth.set(key, damage);
        const path = `${asset.id}/${res.role}`;
        const body = bytes.get(res.role)!;
        if (damage !== 'deleted') s.bytes.set(path, damage === 'flipped' ? Buffer.concat([body, Buffer.from('x')]) : body);
        if (damage === 'unreadable') s.broken.add(path);
        if (damage === 'unrecorded') continue;
        placements.set(key, { destinationId: s.id, sourceId: 'icloud:t', assetId: asset.id, role: res.role, path, size: body.length, sha256: sha(body), fingerprint: damage === 'stale' ? 'old' : fingerprintOf(asset, res), version: 'v1', verifiedAt: new Date(0) });
      }
    }
  }
  const criteria: Criteria = {
    keepFavorites: r.chance(0.8), keepAlbums: r.chance(0.3), includeHidden: r.chance(0.8),
    ...(r.chance(0.6) ? { takenBefore: new Date(Date.UTC(2016 + r.int(10), 0, 1)) } : {}),
    ...(r.chance(0.3) ? { types: [r.pick(['photo', 'video', 'live', 'raw'] as const)] } : {}),
    ...(r.chance(0.2) ? { albums: ['Album 1'] } : {}),
  };
  const explicit = r.chance(0.5) ? stores.filter(() => r.chance(0.6)).map((s) => s.id) : undefined;
  return { assets: made.map((m) => m.asset), stores, placements, truth, criteria, explicit };
}

/** The oracle: an asset is truly safe when every resource is intact and readable-or-vouched on every required destination. */
function trulyVerified(c: Case, asset: Asset, required: readonly string[]): boolean {
  if (required.length === 0) return false;
  return required.every((id) => {
    const store = c.stores.find((s) => s.id === id)!;
    if (store.flavor === 'blind' || store.down) return false;
    // A service vouching by checksum does not read the bytes back, so a file only a reader would choke on is still intact to it.
    const safe = (d: Damage | undefined) => d === 'intact' || (store.flavor === 'hook' && d === 'unreadable');
    return asset.resources.every((res) => safe(c.truth.get(`${id}|${asset.id}|${res.role}`)));
  });
}

async function selected(c: Case): Promise<{ removed: Asset[]; requiredOf: (a: Asset) => string[] }> {
  const candidates = c.assets.filter((a) => excludedBy(a, c.criteria) === null);
  const holding = (a: Asset) => c.stores.filter((s) => a.resources.some((res) => c.placements.has(`${s.id}|${a.id}|${res.role}`))).map((s) => s.id);
  const requiredOf = (a: Asset) => c.explicit ?? holding(a);
  const checks = new Map<string, ResourceCheck[]>();
  try {
    for (const a of candidates) {
      const ds = c.stores.filter((s) => requiredOf(a).includes(s.id)).map(destinationOf);
      checks.set(a.id, await checkAsset(a, ds, (d, asset, role) => c.placements.get(`${d}|${asset.id}|${role}`), AbortSignal.timeout(5000)));
    }
  } catch (err) {
    if (err instanceof DestinationUnreachable) return { removed: [], requiredOf }; // the run stops: nothing goes
    throw err;
  }
  return { removed: selectForRemoval(candidates, requiredOf, checks as never).remove.map((d) => d.asset), requiredOf };
}

describe('free-up selection (property)', () => {
  it('over 400 random libraries, damage, destinations and filters, the removed set is a subset of the truly verified set', async () => {
    let removedTotal = 0;
    let keptSafe = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const c = randomCase(seed);
      const { removed, requiredOf } = await selected(c);
      for (const a of removed) {
        assert.ok(trulyVerified(c, a, requiredOf(a)), `seed ${seed}: ${a.id} removed but not verified on ${requiredOf(a).join(', ')}`);
        assert.equal(excludedBy(a, c.criteria), null, `seed ${seed}: ${a.id} removed despite the filters`);
        if (c.criteria.keepFavorites) assert.ok(!a.favorite, `seed ${seed}: favorite ${a.id} removed`);
      }
      removedTotal += removed.length;
      keptSafe += c.assets.filter((a) => !removed.includes(a) && excludedBy(a, c.criteria) === null && trulyVerified(c, a, requiredOf(a))).length;
    }
    // The property must not hold vacuously: plenty were removed, and the only safe ones kept are the hook's "unverifiable" answers and stopped runs.
    assert.ok(removedTotal > 300, `only ${removedTotal} assets removed across all cases`);
    assert.ok(keptSafe < removedTotal, `${keptSafe} truly safe assets kept vs ${removedTotal} removed`);
  });
});
