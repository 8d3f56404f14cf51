/** @module Shape conformance: the simulator's CloudKit answers have the recorded answers' fields, types, status codes and headers. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordedJson, shapeDiff, type Cassette } from '../../../test/fixtures/icloud/cassette-replayer.ts';
import { loadListingCassette } from '../../sources/icloud/api/testing/cassettes.ts';
import { startSimulator, type Simulator } from '../server.ts';
import { simSession } from '../testing/sim-session.ts';

type Json = Record<string, unknown> & { records?: Json[] };

/** The recorded request/answer of the n-th interaction whose path ends with `op` (and whose request body matches). */
function recorded(c: Cassette, op: string, pick: (req: unknown, res: Json) => boolean = () => true) {
  const it = c.interactions.find((i) => new URL(i.request.uri).pathname.endsWith(op) && pick(recordedJson(i.request.body), recordedJson(i.response.body) as Json));
  assert.ok(it, `${c.name}: no ${op}`);
  return { status: it.response.status, headers: it.response.headers, body: recordedJson(it.response.body) as Json };
}

const byType = (body: Json, type: string) => body.records!.find((r) => r['recordType'] === type)!;

describe('simulator CloudKit shape conformance with the cassettes', () => {
  let sim: Simulator;
  let ck: (op: string, body: unknown, db?: string) => Promise<{ status: number; headers: Headers; body: Json }>;
  let photos: Cassette; let albums: Cassette; let trash: Cassette; let errors: Cassette;
  before(async () => {
    sim = await startSimulator({ assets: 300, seed: 5 });
    const session = await simSession(sim);
    ck = async (op, body, db = 'private') => {
      const r = await session.fetch(`${sim.baseUrl}/database/1/com.apple.photos.cloud/production/${db}/${op}?remapEnums=true&getCurrentSyncToken=true`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      return { status: r.status, headers: r.headers, body: (await r.json()) as Json };
    };
    photos = loadListingCassette('listing_photos_raw_alt');
    albums = loadListingCassette('listing_albums');
    trash = loadListingCassette('download_autodelete_photos_part1');
    errors = loadListingCassette('errors/listing_photos_session_error_iteration');
  });
  after(() => sim.stop());

  const same = (actual: unknown, rec: unknown, required: string[] = []) => assert.deepEqual(shapeDiff(actual, rec, required), []);

  it('zones/list', async () => {
    const mine = await ck('zones/list', {});
    const rec = recorded(albums, 'zones/list');
    assert.equal(mine.status, rec.status);
    same(mine.body, rec.body, ['moreComing', 'syncToken', 'zones']);
    assert.equal(mine.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.equal(mine.headers.get('x-apple-cloudkit-version'), '1.0');
    assert.ok(mine.headers.get('x-apple-request-uuid'));
  });

  it('records/query CheckIndexingState', async () => {
    const mine = await ck('records/query', { query: { recordType: 'CheckIndexingState' }, zoneID: { zoneName: 'PrimarySync' } });
    const rec = recorded(photos, 'records/query', (q) => JSON.stringify(q).includes('CheckIndexingState'));
    same(mine.body, rec.body, ['records', 'syncToken']);
    same(mine.body.records![0], rec.body.records![0], ['fields.state.value', 'fields.progress.value', 'recordChangeTag', 'zoneID.zoneName']);
  });

  it('internal/records/query/batch counts', async () => {
    const body = { batch: [{ resultsLimit: 1, query: { recordType: 'HyperionIndexCountLookup', filterBy: { fieldName: 'indexCountID', comparator: 'IN', fieldValue: { type: 'STRING_LIST', value: ['CPLAssetByAddedDate'] } } }, zoneWide: true, zoneID: { zoneName: 'PrimarySync' } }] };
    const mine = await ck('internal/records/query/batch', body);
    same(mine.body, recorded(photos, 'query/batch').body, ['batch']);
    assert.equal((mine.body['batch'] as Json[])[0]!.records![0]!['recordType'], 'IndexCountResult');
  });

  it('records/query index page: CPLMaster and CPLAsset records', async () => {
    const body = { query: { recordType: 'CPLAssetAndMasterByAssetDateWithoutHiddenOrDeleted', filterBy: [{ fieldName: 'startRank', fieldValue: { type: 'INT64', value: 0 }, comparator: 'EQUALS' }, { fieldName: 'direction', fieldValue: { type: 'STRING', value: 'ASCENDING' }, comparator: 'EQUALS' }] }, resultsLimit: 200, zoneID: { zoneName: 'PrimarySync' } };
    const mine = await ck('records/query', body);
    const rec = recorded(photos, 'records/query', (_q, r) => r.records?.some((x) => x['recordType'] === 'CPLMaster') === true);
    assert.equal(mine.status, 200);
    same(mine.body, rec.body, ['records', 'continuationMarker', 'syncToken']);
    assert.equal(mine.body.records!.length, 200);
    same(byType(mine.body, 'CPLMaster'), byType(rec.body, 'CPLMaster'), ['fields.filenameEnc', 'fields.itemType', 'fields.resOriginalRes.value.downloadURL', 'fields.resOriginalRes.value.fileChecksum', 'fields.resOriginalRes.value.size', 'recordChangeTag', 'created.timestamp']);
    same(byType(mine.body, 'CPLAsset'), byType(rec.body, 'CPLAsset'), ['fields.masterRef.value.recordName', 'fields.assetDate', 'fields.addedDate', 'fields.isFavorite', 'fields.isHidden', 'fields.timeZoneOffset']);
  });

  it('records/query CPLAlbumByPositionLive', async () => {
    const mine = await ck('records/query', { query: { recordType: 'CPLAlbumByPositionLive' }, zoneID: { zoneName: 'PrimarySync' } });
    const rec = recorded(albums, 'records/query', (q) => JSON.stringify(q).includes('CPLAlbumByPositionLive'));
    same(mine.body, rec.body, ['records', 'syncToken']);
    assert.equal(mine.body.records![0]!['recordName'], '----Root-Folder----');
    same(mine.body.records![1], rec.body.records![1], ['fields.albumNameEnc', 'fields.albumType', 'fields.position']);
  });

  it('records/modify isDeleted = 1 answers the updated record with expirationTime', async () => {
    const page = await ck('records/query', { query: { recordType: 'CPLAssetAndMasterByAssetDateWithoutHiddenOrDeleted', filterBy: [] }, resultsLimit: 2, zoneID: { zoneName: 'PrimarySync' } });
    const asset = byType(page.body, 'CPLAsset');
    const mine = await ck('records/modify', { atomic: true, desiredKeys: ['isDeleted'], operations: [{ operationType: 'update', record: { fields: { isDeleted: { value: 1 } }, recordChangeTag: asset['recordChangeTag'], recordName: asset['recordName'], recordType: 'CPLAsset' } }], zoneID: { zoneName: 'PrimarySync' } });
    const rec = recorded(trash, 'records/modify');
    same(mine.body, rec.body, ['records', 'syncToken']);
    same(mine.body.records![0], rec.body.records![0], ['fields.isDeleted.value', 'expirationTime', 'recordChangeTag']);
    assert.deepEqual(Object.keys(mine.body.records![0]!['fields'] as object), ['isDeleted']);
  });

  it('smart albums and album contents: counts agree with the pages', async () => {
    const smart = { query: { recordType: 'CPLAssetAndMasterInSmartAlbumByAssetDate', filterBy: [{ fieldName: 'smartAlbum', comparator: 'EQUALS', fieldValue: { type: 'STRING', value: 'FAVORITE' } }] }, resultsLimit: 200, zoneID: { zoneName: 'PrimarySync' } };
    const page = await ck('records/query', smart);
    const count = await ck('internal/records/query/batch', { batch: [{ resultsLimit: 1, query: { recordType: 'HyperionIndexCountLookup', filterBy: { fieldName: 'indexCountID', comparator: 'IN', fieldValue: { type: 'STRING_LIST', value: ['CPLAssetInSmartAlbumByAssetDate:Favorite'] } } }, zoneWide: true, zoneID: { zoneName: 'PrimarySync' } }] });
    const favorites = page.body.records!.filter((r) => r['recordType'] === 'CPLAsset');
    assert.ok(favorites.length > 0);
    assert.ok(favorites.every((r) => (r['fields'] as Json)['isFavorite'] !== undefined && ((r['fields'] as Record<string, { value: number }>)['isFavorite']!.value === 1)));
    assert.equal(((count.body['batch'] as Json[])[0]!.records![0]!['fields'] as Record<string, { value: number }>)['itemCount']!.value, favorites.length);
    const album = sim.state.library.albums.find((a) => a.type === 0)!;
    const rel = await ck('records/query', { query: { recordType: 'CPLContainerRelationLiveByAssetDate', filterBy: [{ fieldName: 'parentId', comparator: 'EQUALS', fieldValue: { type: 'STRING', value: album.id } }] }, resultsLimit: 198, zoneID: { zoneName: 'PrimarySync' } });
    const types = rel.body.records!.map((r) => r['recordType']);
    assert.equal(types.filter((t) => t === 'CPLContainerRelation').length, types.filter((t) => t === 'CPLMaster').length);
  });

  it('content host: recorded download headers, Range → 206, and /__sim/sha256', async () => {
    const page = await ck('records/query', { query: { recordType: 'CPLAssetAndMasterByAssetDateWithoutHiddenOrDeleted', filterBy: [] }, resultsLimit: 2, zoneID: { zoneName: 'PrimarySync' } });
    const master = byType(page.body, 'CPLMaster');
    const asset = byType(page.body, 'CPLAsset');
    const res = ((master['fields'] as Json)['resOriginalRes'] as { value: { downloadURL: string; size: number } }).value;
    const full = await fetch(res.downloadURL);
    const recHeaders = photos.interactions.find((i) => i.request.method === 'GET')!.response.headers;
    for (const h of ['Content-Type', 'Accept-Ranges', 'Content-Disposition', 'Access-Control-Allow-Origin']) {
      const want = Object.entries(recHeaders).find(([k]) => k.toLowerCase() === h.toLowerCase())?.[1]?.join(', ');
      assert.equal(full.headers.get(h), want, h);
    }
    const body = Buffer.from(await full.arrayBuffer());
    assert.equal(body.length, res.size);
    const part = await fetch(res.downloadURL, { headers: { range: 'bytes=10-' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-${res.size - 1}/${res.size}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(body.subarray(10)));
    const sha = await (await fetch(`${sim.baseUrl}/__sim/sha256?asset=${asset['recordName'] as string}`)).json() as { sha256: string };
    const { createHash } = await import('node:crypto');
    assert.equal(sha.sha256, createHash('sha256').update(body).digest('hex'));
    const tampered = res.downloadURL.replace(/s=[^&]+$/, 's=AAAA');
    assert.equal((await fetch(tampered)).status, 403);
  });

  it('an expired session answers 401 with the recorded body', async () => {
    const r = await fetch(`${sim.baseUrl}/database/1/com.apple.photos.cloud/production/private/internal/records/query/batch`, { method: 'POST', body: '{}' });
    const rec = recorded(errors, 'query/batch', (_q, res) => res['error'] !== undefined);
    assert.equal(r.status, rec.status);
    assert.deepEqual(await r.json(), rec.body);
  });
});
