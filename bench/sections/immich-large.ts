/**
 * @module One 4 GiB video, photoferry copy folder: → the Immich fake (issue 14, acceptance 4: peak RSS ≤ 200 MB). The
 * upload must stream with the SHA-1 computed in passing; the fake (in this process) hashes and counts, keeping no bytes.
 * The video is a sparse file: no disk used, and reading it costs page-cache copies only, so the figure is photoferry's.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { flush, measure } from '../lib/measure.ts';
import type { BenchContext, Row, Section } from '../lib/types.ts';
import { startFakeImmich } from '../../src/destinations/immich/testing/fake-server.ts';

export const GIB = 1024 ** 3;

export async function sparseVideo(path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w');
  try { await file.truncate(bytes); } finally { await file.close(); }
}

async function run(ctx: BenchContext): Promise<Row[]> {
  const bytes = Number(process.env['PF_BENCH_VIDEO_GIB'] ?? 4) * GIB;
  const scratch = join(ctx.work, 'scratch', 'immich-large');
  const rows: Row[] = [];
  for (let attempt = 1; attempt <= ctx.runs; attempt++) {
    await rm(scratch, { recursive: true, force: true });
    await mkdir(join(scratch, 'library'), { recursive: true });
    const fake = await startFakeImmich({ version: 3 });
    try {
      await sparseVideo(join(scratch, 'library', 'IMG_0001.MOV'), bytes);
      const env = { ...process.env, PHOTOFERRY_HOME: join(scratch, 'home'), PHOTOFERRY_PASSPHRASE: 'bench vault passphrase' };
      const bin = join(ctx.repo, 'bin/photoferry.js');
      const added = await measure(bin, ['remote', 'add', 'im', 'immich', `url=${fake.url}`, 'apiKey=test-key'], env);
      if (added.code !== 0) throw new Error(`remote add failed: ${added.stderr}`);
      await flush();
      const m = await measure(bin, ['--quiet', 'copy', `folder:${join(scratch, 'library')}`, 'im:'], env);
      if (m.code !== 0) throw new Error(`photoferry copy failed (exit ${m.code}):\n${m.stderr.slice(-2000)}`);
      const stored = [...fake.assets.values()];
      if (stored.length !== 1 || fake.stats.uploadBytes !== bytes) throw new Error(`the fake holds ${stored.length} assets, ${fake.stats.uploadBytes} bytes; expected 1, ${bytes}`);
      ctx.log(`  photoferry run ${attempt}/${ctx.runs}: ${m.seconds.toFixed(1)} s, peak RSS ${m.peakMainRssMb.toFixed(0)} MB`);
      if (attempt === ctx.runs) {
        rows.push({
          section: 'immich-large', what: `copy one ${bytes / GIB} GiB video → Immich fake (v3)`, tool: 'photoferry', seconds: m.seconds,
          mbPerSec: bytes / 1e6 / m.seconds, peakRssMb: m.peakMainRssMb,
          note: `peak RSS is the process high-water mark (VmHWM); target ≤ 200 MB; run ${attempt} of ${ctx.runs}`,
        });
      }
    } finally {
      await fake.stop();
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return rows;
}

export const immichLarge: Section = {
  name: 'immich-large',
  description: 'one 4 GiB video (sparse file) copied folder: → immich: fake; peak RSS (target ≤ 200 MB)',
  run,
};
