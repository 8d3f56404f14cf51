import { loadCassette } from '../test/fixtures/icloud/cassette-replayer.ts';
for (const n of ['listing_videos','errors/listing_photos_404','errors/listing_photos_session_error_iteration','listing_photos_raw']) {
  try { const c = loadCassette(n); console.log(n, c.interactions.length); } catch (e) { console.log(n, 'FAIL', (e as Error).message.slice(0, 80)); }
}
