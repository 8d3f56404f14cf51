/** @module The README's main job: make a sample library, copy it folder → local with the real CLI, show the result. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSampleLibrary } from '../src/sample/index.ts';

const root = resolve(process.argv[2] ?? '.demo');
const library = join(root, 'library');
const backup = join(root, 'backup');
const env = { ...process.env, PHOTOFERRY_HOME: join(root, 'home') };

if (!existsSync(library)) {
  process.stdout.write(`Generating a sample library in ${library} …\n`);
  const made = await generateSampleLibrary({ dir: library, seed: 2026, photos: 40, videos: 4, livePhotos: 10, rawPairs: 4, screenshots: 3, edited: 5 });
  process.stdout.write(`  ${made.files} files, ${(made.bytes / 1e6).toFixed(1)} MB in ${(made.durationMs / 1000).toFixed(1)}s\n`);
}

const cli = (...args: string[]) => {
  process.stdout.write(`\n$ photoferry ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [resolve('bin/photoferry.js'), ...args], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

cli('copy', `folder:${library}`, `local:${backup}`);
cli('copy', `folder:${library}`, `local:${backup}`);
cli('verify', `local:${backup}`, '--deep');

const years = readdirSync(backup).filter((d) => /^\d{4}$/.test(d)).sort();
process.stdout.write(`\nThe library now lives in ${backup}, by {yyyy}/{mm}/{dd}:\n`);
for (const y of years) {
  let files = 0;
  const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files += 1; } };
  walk(join(backup, y));
  process.stdout.write(`  ${y}/  ${files} files\n`);
}
