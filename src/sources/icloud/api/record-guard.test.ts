import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRecord, RecordShapeError } from './record-guard.ts';
import { queryResponseSchema, refName, res } from './records.ts';

const master = () => ({
  recordName: 'M1', recordType: 'CPLMaster', recordChangeTag: 'm0', pluginFields: {},
  created: { timestamp: 5, userRecordName: '_u', deviceID: 'D' }, deleted: false, zoneID: { zoneName: 'PrimarySync', zoneType: 'REGULAR_CUSTOM_ZONE' },
  fields: {
    filenameEnc: { value: 'SU1HLkhFSUM=', type: 'ENCRYPTED_BYTES' },
    resOriginalRes: { value: { fileChecksum: 'M1', size: 10, downloadURL: 'https://x/${f}?e=1' }, type: 'ASSETID' },
    masterRef: { value: { recordName: 'M0', action: 'DELETE_SELF' }, type: 'REFERENCE' },
  },
});

test('a well-formed record keeps its known keys and its field objects as parsed (no copy)', () => {
  const raw = master();
  const r = checkRecord(raw);
  assert.ok(!(r instanceof RecordShapeError));
  assert.equal(r.fields, raw.fields);
  assert.equal(r.fields?.['filenameEnc'], raw.fields.filenameEnc);
  assert.deepEqual(Object.keys(r).sort(), ['created', 'deleted', 'fields', 'recordChangeTag', 'recordName', 'recordType', 'zoneID']);
  assert.equal(r.created?.timestamp, 5);
  assert.deepEqual(res(r, 'resOriginal'), raw.fields.resOriginalRes.value);
  assert.equal(refName(r, 'masterRef'), 'M0');
});

test('fields in a shape nobody expects read as absent; a non-string type is left out', () => {
  const raw = master() as unknown as { fields: Record<string, unknown> };
  raw.fields['isFavorite'] = 1;
  raw.fields['itemType'] = null;
  raw.fields['filenameEnc'] = { value: 'x', type: 3 };
  raw.fields['resOriginalRes'] = { value: { fileChecksum: 'M1', size: -1 } };
  raw.fields['masterRef'] = { value: 'M0' };
  const r = checkRecord(raw);
  assert.ok(!(r instanceof RecordShapeError));
  assert.equal(r.fields?.['isFavorite'], null);
  assert.equal(r.fields?.['itemType'], null);
  assert.deepEqual(r.fields?.['filenameEnc'], { value: 'x' });
  assert.equal(res(r, 'resOriginal'), undefined);
  assert.equal(refName(r, 'masterRef'), undefined);
});

test('what is not a record says where: the first bad key and what was there', () => {
  const bad = (change: Record<string, unknown>) => checkRecord({ ...master(), ...change });
  assert.deepEqual(bad({ recordName: 7 }), new RecordShapeError('recordName', 'expected string, received number'));
  assert.deepEqual(bad({ fields: [] }), new RecordShapeError('fields', 'expected record, received array'));
  assert.deepEqual(bad({ zoneID: {} }), new RecordShapeError('zoneID.zoneName', 'expected string, received undefined'));
  assert.deepEqual(bad({ created: { timestamp: 'x' } }), new RecordShapeError('created.timestamp', 'expected number, received string'));
  assert.deepEqual(bad({ deleted: 'no' }), new RecordShapeError('deleted', 'expected boolean, received string'));
  assert.deepEqual(checkRecord(null), new RecordShapeError('record', 'expected object, received null'));
  assert.equal((checkRecord({ ...master(), fields: null }) as { fields?: unknown }).fields, undefined);
});

test('a page sets bad records aside with their name and reason and keeps the rest', () => {
  const page = queryResponseSchema.parse({ records: [master(), { ...master(), recordName: 'M2', recordType: 9 }, 'junk'], syncToken: 't' });
  assert.deepEqual(page.records.map((r) => r.recordName), ['M1']);
  assert.deepEqual(page.invalid, [
    { record: 'M2', reason: 'malformed record (recordType: expected string, received number)' },
    { record: '#2 of the page', reason: 'malformed record (record: expected object, received string)' },
  ]);
  assert.equal(page.syncToken, 't');
});
