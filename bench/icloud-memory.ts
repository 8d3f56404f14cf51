/**
 * @module Peak RSS and CPU of the CLI on a large simulated iCloud library (issue 12, target 5): first listing
 * (`plan`), the seeding copy, a no-op, a run with 5 new assets, and a no-op after a run with other filters.
 * `node --import tsx bench/icloud-memory.ts [assets] [copy flags…]`; each phase runs under /usr/bin/time -v.
 * PF_BENCH_NODE_FLAGS='--max-old-space-size=128' caps the CLI's heap. PF_BENCH_PLAN_ONLY=1 stops after the first listing (the 1M case); PF_BENCH_BIN runs another build's bin/photoferry.js.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REMOTE, signIn, startWorld } from '../test/e2e/icloud/harness.ts';
import { STAGES_ENV, stagesReport, type AtPeak } from './lib/stages.ts';

const assets = Number(process.argv[2] ?? 100_000);
const flags = process.argv.slice(3);
/** Extra node flags for the CLI only, e.g. a heap cap that shows the live set rather than what V8 has not collected yet. */
const nodeFlags = (process.env.PF_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const bin = process.env.PF_BENCH_BIN ?? join(import.meta.dirname, '../bin/photoferry.js');
/**
 * The flags and environment (`env -S NAME=value node …`) bin/photoferry.js's shebang gives node when it runs as
 * `photoferry`; `node bin/photoferry.js` alone would lose them.
 */
const shebang = readFileSync(bin, 'utf8').split('\n')[0]!;
const launcherFlags = shebang.match(/--[a-z-]+=\S+/g) ?? [];
const launcherEnv = Object.fromEntries([...shebang.matchAll(/\s([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));

interface Phase { readonly wallS: number; readonly userS: number; readonly sysS: number; readonly peakMB: number; readonly atPeak?: AtPeak; readonly code: number }

function timed(env: Record<string, string>, args: readonly string[]): Promise<Phase> {
  return new Promise((done, fail) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, ...launcherFlags, ...nodeFlags, bin, '--quiet', ...args], { env: { ...process.env, ...launcherEnv, ...env, ...STAGES_ENV }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', fail);
    child.on('close', (code) => {
      const num = (re: RegExp) => Number(re.exec(err)?.[1] ?? NaN);
      const [m, s] = (/Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+(?:\.\d+)?)$/m.exec(err) ?? []).slice(1);
      if (code !== 0) process.stderr.write(err.slice(-2000));
      const atPeak = stagesReport(err)?.peak;
      done({ wallS: Number(m ?? 0) * 60 + Number(s), userS: num(/User time \(seconds\): ([\d.]+)/), sysS: num(/System time \(seconds\): ([\d.]+)/),
        peakMB: Math.round(num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024), ...(atPeak ? { atPeak } : {}), code: code ?? 1 });
    });
  });
}

const world = await startWorld({ assets, seed: 1, meanSize: 1024 }, ['minRequestIntervalMs=0']);
try {
  const auth = await signIn(world);
  if (auth.code !== 0) throw new Error(`auth failed: ${auth.stderr}`);
  const out = `local:${join(world.home, 'backup')}`;
  const report = (phase: string, p: Phase) => console.log(JSON.stringify({ assets, phase, ...p }));
  report('plan (first listing)', await timed(world.env, ['plan', `${REMOTE}:`, out, ...flags]));
  const copy = (...more: string[]) => timed(world.env, ['copy', `${REMOTE}:`, out, ...more, ...flags]);
  if (process.env.PF_BENCH_PLAN_ONLY !== '1') {
    report('copy (seed)', await copy());
    report('no-op', await copy());
    world.sim.state.library.add(5);
    report('5 new assets', await copy());
    report('copy --favorites', await copy('--favorites'));
    report('no-op after other filters', await copy());
  }
} finally {
  await world.stop();
}
