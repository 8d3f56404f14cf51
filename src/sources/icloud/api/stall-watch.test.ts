import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchForStall } from './stall-watch.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const blockLoop = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* the machine is busy */ } };

test('real silence trips it once per stallMs', async () => {
  let stalls = 0;
  const watch = watchForStall(100, () => { stalls += 1; });
  await sleep(170);
  assert.equal(stalls, 1);
  watch.stop();
});

test('data heard in time keeps it quiet', async () => {
  let stalls = 0;
  const watch = watchForStall(100, () => { stalls += 1; });
  for (let i = 0; i < 6; i++) { await sleep(40); watch.heard(); }
  watch.stop();
  assert.equal(stalls, 0);
});

test('a paused event loop is not silence: a 1 s block counts as two periods, not as a stall', async () => {
  let stalls = 0;
  const watch = watchForStall(200, () => { stalls += 1; });
  await sleep(10);
  blockLoop(1000);
  await sleep(0); // the timer that was due runs now, before any data that waited could
  watch.heard();
  watch.stop();
  assert.equal(stalls, 0, 'blamed the network for our own pause');
});
