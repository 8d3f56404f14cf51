/** @module Path rendering and the safety rules every rendered path obeys. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import { checkStorePath } from '../destinations/store-path.ts';
import { checkTemplate, renderPath, resourceFilename, sanitizeSegment, withSuffix, DEFAULT_TEMPLATE } from './path-template.ts';

describe('renderPath', () => {
  const asset = anAsset({ filename: 'IMG_1234.HEIC', takenAt: new Date('2019-12-31T23:30:00Z'), kind: 'live-photo' });
  const original = aResource({ filename: 'IMG_1234.HEIC' });

  it('renders the default {yyyy}/{mm}/{dd}/{filename}', () => {
    assert.equal(renderPath(DEFAULT_TEMPLATE, asset, original), '2019/12/31/IMG_1234.HEIC');
  });

  it('uses the camera time zone when the source knows it', () => {
    const tokyo = { ...asset, utcOffsetMinutes: 9 * 60 };
    assert.equal(renderPath('{yyyy}-{mm}/{dd}/{filename}', tokyo, original), '2020-01/01/IMG_1234.HEIC');
  });

  it('names the other resources after the original', () => {
    assert.equal(resourceFilename(asset, aResource({ role: 'live-video', filename: 'whatever.MOV' })), 'IMG_1234.MOV');
    assert.equal(resourceFilename(asset, aResource({ role: 'edited', filename: 'IMG_E1234.JPG' })), 'IMG_1234-edited.JPG');
    assert.equal(resourceFilename(asset, aResource({ role: 'raw', filename: 'IMG_1234.DNG' })), 'IMG_1234.DNG');
  });

  it('fills {album}, {kind} and {id}', () => {
    const p = renderPath('{album}/{kind}/{id}-{filename}', asset, original, ['Trips', 'Japan 2019']);
    assert.equal(p, `Trips/Japan 2019/live-photo/${asset.id}-IMG_1234.HEIC`);
    assert.equal(renderPath('{album}/{filename}', asset, original), 'No Album/IMG_1234.HEIC');
  });

  it('rejects unknown tokens and templates without a file name', () => {
    assert.throws(() => checkTemplate('{yyyy}/{bogus}/{filename}'), /unknown path template token.*\{bogus\}/);
    assert.throws(() => checkTemplate('{yyyy}/{mm}'), /must contain \{filename\}/);
    // renderPath caches what it parsed of a template; one that skipped checkTemplate still fails in the user's words
    assert.throws(() => renderPath('{yyyy}/{bogus}/{filename}', asset, original), /unknown path template token.*\{bogus\}/);
  });

  it('renders {name} and {ext}, and makes a "/" inside one token an underscore, the same on every call', () => {
    const odd = anAsset({ filename: 'a/b.tar.gz', takenAt: new Date('2019-12-31T23:30:00Z') });
    const resource = aResource({ filename: 'a/b.tar.gz' });
    for (let i = 0; i < 2; i++) assert.equal(renderPath('{yyyy}/{name}~{ext}/{filename}', odd, resource), '2019/a_b.tar~gz/a_b.tar.gz');
  });
});

describe('path safety', () => {
  const hostile = ['../../etc/passwd', '..', '/abs/olute.jpg', 'nul\u0000byte.jpg', 'new\nline.jpg', 'CON', 'aux.txt',
    'trailing dot.', ' lead space', 'a\\b.jpg', 'x'.repeat(300) + '.jpg', 'é'.repeat(200) + '.HEIC', 'what?*:|<>.jpg'];

  for (const name of hostile) {
    it(`makes ${JSON.stringify(name.slice(0, 30))} safe on every store`, () => {
      const asset = anAsset({ filename: name, resources: [aResource({ filename: name })] });
      const path = renderPath(DEFAULT_TEMPLATE, asset, asset.resources[0]!);
      assert.doesNotThrow(() => checkStorePath(path, 'test'));
      for (const seg of path.split('/')) {
        assert.ok(Buffer.byteLength(seg) <= 255, `segment too long: ${seg.length}`);
        assert.notEqual(seg, '..');
        assert.doesNotMatch(seg, /^(con|aux|nul|prn)(\.|$)/i);
      }
    });
  }

  it('normalizes to NFC', () => {
    assert.equal(sanitizeSegment('Cafe\u0301.jpg'), 'Café.jpg'.normalize('NFC'));
  });

  it('keeps the extension when truncating and when adding a suffix', () => {
    const long = sanitizeSegment(`${'a'.repeat(400)}.HEIC`);
    assert.ok(long.endsWith('.HEIC'));
    assert.ok(Buffer.byteLength(long) <= 200);
    assert.equal(withSuffix('2020/01/IMG_1.HEIC', '~abc123'), '2020/01/IMG_1~abc123.HEIC');
  });
});
