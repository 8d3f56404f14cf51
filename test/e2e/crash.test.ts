/** @module Crash safety: SIGKILL the real binary at random points of a 500+-asset copy, re-run, check every byte. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { hashTree, runCli, sortedValues, startCli, tempHome } from './cli.ts';

const KILLS = 10;

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs during a copy: no missing, duplicate, truncated or partial file afterwards`, async () => {
    const home = await tempHome('pf-crash-');
    const library = join(home, 'library');
    const dest = join(home, 'backup');
    const env = { PHOTOFERRY_HOME: join(home, 'home') };
    const made = await generateSampleLibrary({
      dir: library, seed: 99, photos: 420, videos: 10, livePhotos: 40, rawPairs: 20, screenshots: 10,
      photoBytes: [20_000, 400_000], videoBytes: [2_000_000, 6_000_000], liveVideoBytes: [200_000, 600_000], rawBytes: [100_000, 500_000],
    });
    assert.ok(made.assets.length >= 500, `only ${made.assets.length} assets`);

    // A deterministic spread of kill times: early (listing), middle and late in each successive run.
    let seed = 12345;
    const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    // Each kill lands at a random moment after the run has planned (mid-transfer), the first one during listing.
    let killedMidTransfer = 0;
    let filesDoneBeforeKills = 0;
    for (let i = 0; i < KILLS; i++) {
      const child = startCli(['--json', 'copy', `folder:${library}`, `local:${dest}`], env);
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      let planned = false;
      let buffered = '';
      // Kill after a random number of finished files (a random point mid-transfer); the first run dies while listing.
      const killAfter = 1 + Math.floor(random() * 40);
      let doneThisRun = 0;
      const killPoint = new Promise<void>((done) => {
        child.stdout!.on('data', (d: Buffer) => {
          buffered += d.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            const type = (JSON.parse(line) as { type: string }).type;
            if (type === 'planned') planned = true;
            if (type === 'file-done') { filesDoneBeforeKills += 1; doneThisRun += 1; }
            if (doneThisRun >= killAfter) done();
          }
        });
        void exited.then(() => done());
      });
      if (i === 0) await delay(300 + Math.floor(random() * 700));
      else await killPoint;
      if (child.kill('SIGKILL') && planned) killedMidTransfer += 1;
      await exited;
    }
    assert.ok(killedMidTransfer >= KILLS - 1, `only ${killedMidTransfer} kills landed mid-transfer`);
    assert.ok(filesDoneBeforeKills > 0, 'the killed runs made progress');

    const final = await runCli(['copy', `folder:${library}`, `local:${dest}`], env);
    assert.equal(final.code, 0, final.stderr);
    const source = await hashTree(library);
    const copied = await hashTree(dest);
    assert.equal(copied.size, source.size, 'same number of files: none missing, none duplicated');
    assert.deepEqual(sortedValues(copied), sortedValues(source), 'every file byte-identical');
    const leftovers = [...(await hashTree(dest, { includeHidden: true })).keys()].filter((p) => p.includes('.photoferry'));
    assert.deepEqual(leftovers, [], `no temp or partial file remains: ${leftovers.join(', ')}`);

    const again = await runCli(['copy', `folder:${library}`, `local:${dest}`], env);
    assert.match(again.stdout, /0 bytes transferred/);
  });
});
