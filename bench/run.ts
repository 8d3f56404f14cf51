/**
 * @module `npm run bench [-- --only a,b --runs N]`: generates (once) the bench libraries under .bench/, runs
 * each section and prints one table. Not a test: numbers depend on the machine and its load.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isBeforeNode2212, runtimeNodeDir } from '../bin/node-runtime.js';
import { cpus, loadavg } from 'node:os';
import { ensureLibrary } from './lib/libraries.ts';
import { formatTable } from './lib/table.ts';
import type { BenchContext, Library, Row, Section } from './lib/types.ts';
import { listFolder } from './sections/list-folder.ts';
import { copyLocal } from './sections/copy-local.ts';
import { convertHeic } from './sections/convert-heic.ts';
import { s3 } from './sections/s3.ts';
import { sftp } from './sections/sftp.ts';
import { webdav } from './sections/webdav.ts';
import { icloud } from './sections/icloud.ts';
import { smallFiles } from './sections/small-files.ts';
import { workers } from './sections/workers.ts';
import { immichLarge } from './sections/immich-large.ts';
import { largeVideo } from './sections/large-video.ts';
import { sweepRetired } from './lib/scratch.ts';

const SECTIONS: readonly Section[] = [listFolder, copyLocal, s3, sftp, webdav, convertHeic, icloud, smallFiles, workers, immichLarge, largeVideo];

const { values } = parseArgs({ options: { only: { type: 'string' }, runs: { type: 'string', default: '2' } } });
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !SECTIONS.some((s) => s.name === n)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const repo = fileURLToPath(new URL('..', import.meta.url));

// On a machine whose Node is older than 22.12, bin/photoferry.js hands over to .runtime/'s Node in a child process:
// its figures would then add the waiting wrapper's memory to photoferry's. Put that Node first on PATH, as
// scripts/node-runtime.sh does, so each photoferry started here is one process, as users of a current Node run it.
const runtimeBin = runtimeNodeDir(repo);
if (isBeforeNode2212(process.versions.node) && existsSync(join(runtimeBin, 'node'))) {
  process.env['PATH'] = `${runtimeBin}${delimiter}${process.env['PATH'] ?? ''}`;
}
const work = join(repo, '.bench');
await mkdir(work, { recursive: true });
const log = (m: string) => { process.stderr.write(`${m}\n`); };
const libraries = new Map<string, Promise<Library>>();
const ctx: BenchContext = {
  repo, work, runs: Math.max(1, Number(values.runs)), log,
  library: (name) => {
    let lib = libraries.get(name);
    if (!lib) { lib = ensureLibrary(work, name, log); libraries.set(name, lib); }
    return lib;
  },
};

// the machine may be shared: the load says how much to trust the numbers
const loadBefore = loadavg()[0]!;
const rows: Row[] = [];
try {
  for (const section of SECTIONS.filter((s) => !only || only.includes(s.name))) {
    log(`== ${section.name}: ${section.description}`);
    rows.push(...await section.run(ctx));
  }
} finally {
  await sweepRetired(ctx);
}
const load = `${cpus().length} CPUs; 1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
process.stdout.write(`${formatTable(rows)}\n${load}\n`);
const file = join(work, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify({ at: new Date().toISOString(), runs: ctx.runs, load, rows }, null, 2));
log(`results saved to ${file}`);
