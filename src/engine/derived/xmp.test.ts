/** @module The XMP text is pinned: its fingerprint is the hash of its inputs and XMP_RENDER_VERSION, not of the text. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AssetMetadata } from './metadata.ts';
import { XMP_RENDER_VERSION, renderXmp } from './xmp.ts';

/** Every branch of the renderer: offset time, GPS with a negative altitude, a caption to escape, nested albums, a pair. */
const meta: AssetMetadata = {
  assetId: 'asset-1', localTime: '2019-05-04T14:00:00+02:00', rating: 5, favorite: true, hidden: false,
  caption: 'Fish & "chips" <at> sea', location: { latitude: 43.7, longitude: -7.25, altitude: -3.5 },
  albums: [{ id: 'a1', path: ['Trips', 'Portugal'] }, { id: 'a2', path: ['Best'] }],
  livePhotoPairingId: 'asset-1', files: { 'live-video': 'IMG_1.MOV', original: 'IMG_1.HEIC' },
};

describe('renderXmp', () => {
  it('renders what version 1 rendered: a change of the text needs XMP_RENDER_VERSION raised, or old sidecars stay', () => {
    const text = renderXmp(meta, 'original');
    const digest = createHash('sha256').update(text).digest('hex');
    assert.equal(XMP_RENDER_VERSION, 1);
    assert.equal(digest, 'b201e63ca4c87d40663c3a7fe3112986fc8739803294d949ecb31cfc23791606', `renderXmp's text changed (now ${digest}): raise XMP_RENDER_VERSION, then pin the new text here`);
  });

  it('names the subject and its siblings, not itself', () => {
    const text = renderXmp(meta, 'live-video');
    assert.match(text, /photoferry:Role="live-video"/);
    assert.match(text, /photoferry:OriginalFile="IMG_1.HEIC"/);
    assert.doesNotMatch(text, /photoferry:LivePhotoVideo=/);
    assert.match(text, /dc:title>[\s\S]*Fish &amp; &quot;chips&quot; &lt;at&gt; sea/);
  });
});
