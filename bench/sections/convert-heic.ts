/**
 * @module HEIC → JPEG decoders for `--convert heic=jpeg`: Debian's heif-convert (libheif 1.15 + libde265) on a
 * 12 MP single-image HEIC, in images/s per core (CPU time of the converter processes) and wall images/s at 1 and 2 at once.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext, Row, Section } from '../lib/types.ts';

const run = promisify(execFile);
const W = 4032, H = 3024;

/** A 12 MP test picture as Y4M (heif-enc reads it without ImageMagick): gradients plus noise so HEVC has work. */
async function writeY4m(path: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.write(`YUV4MPEG2 W${W} H${H} F30:1 Ip A1:1 C420jpeg\nFRAME\n`);
    let seed = 12345;
    const noise = () => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 24) & 31; };
    const row = Buffer.alloc(W);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) row[x] = ((x * 255) / W + (y * 64) / H + noise()) & 255;
      await fh.write(row);
    }
    const chroma = Buffer.alloc((W / 2) * (H / 2));
    for (let i = 0; i < chroma.length; i++) chroma[i] = 96 + ((i % (W / 2)) * 64) / (W / 2) + noise();
    await fh.write(chroma);
    await fh.write(chroma.map((v) => 255 - v));
  } finally {
    await fh.close();
  }
}

async function sample(ctx: BenchContext): Promise<string> {
  const dir = join(ctx.work, 'heic');
  const heic = join(dir, 'src-12mp.heic');
  if (existsSync(heic)) return heic;
  await mkdir(dir, { recursive: true });
  const y4m = join(dir, 'src.y4m');
  ctx.log('  making a 12 MP HEIC (once, cached in .bench/heic)');
  await writeY4m(y4m);
  await run('heif-enc', ['-q', '60', y4m, '-o', heic], { maxBuffer: 1 << 20 });
  await rm(y4m);
  return heic;
}

/** Converts `count` images with `parallel` converters at once; returns wall seconds and the converters' CPU seconds. */
async function convert(heic: string, out: string, count: number, parallel: number): Promise<{ wall: number; cpu: number }> {
  const script = `seq ${count} | xargs -P ${parallel} -I{} heif-convert -q 90 "$0" "$1/out-{}.jpg" > /dev/null; times`;
  const started = performance.now();
  const { stdout } = await run('bash', ['-c', script, heic, out], { maxBuffer: 1 << 20 });
  const wall = (performance.now() - started) / 1000;
  // `times` prints the shell's own, then its children's "XmY.YYYs XmZ.ZZZs" (user, system)
  const secs = (t: string) => { const m = /(\d+)m([\d.]+)s/.exec(t)!; return Number(m[1]) * 60 + Number(m[2]); };
  const children = stdout.trim().split('\n').at(-1)!.split(/\s+/);
  return { wall, cpu: secs(children[0]!) + secs(children[1]!) };
}

export const convertHeic: Section = {
  name: 'convert-heic',
  description: 'HEIC → JPEG (12 MP) with heif-convert: images/s per core and wall images/s',
  async run(ctx) {
    const heic = await sample(ctx);
    const out = join(ctx.work, 'scratch', 'convert-heic');
    const rows: Row[] = [];
    for (const parallel of [1, 2]) {
      const count = 6 * parallel;
      let last = { wall: 0, cpu: 0 };
      for (let r = 1; r <= ctx.runs; r++) {
        await rm(out, { recursive: true, force: true });
        await mkdir(out, { recursive: true });
        last = await convert(heic, out, count, parallel);
        ctx.log(`  heif-convert ×${count}, ${parallel} at once: ${last.wall.toFixed(2)} s wall, ${last.cpu.toFixed(2)} s CPU`);
      }
      rows.push({
        section: 'convert-heic', what: `HEIC→JPEG 12 MP q90, ${count} images, ${parallel} at once`, tool: 'heif-convert 1.15',
        seconds: last.wall, itemsPerSec: count / last.wall,
        note: `${(count / last.cpu).toFixed(2)} images/s per core (CPU ${(last.cpu / count).toFixed(2)} s/image)`,
      });
    }
    await rm(out, { recursive: true, force: true });
    return rows;
  },
};
