/**
 * @module The README's main job on the embedded default: the Apple simulator's demo account is signed in with the
 * real client (the 2FA code typed at the CLI's prompt, as a user would), its library copied icloud → local, then a
 * sample export folder copied folder → local. Everything goes through the real `photoferry` binary.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runSimulator } from '../src/app/simulate.ts';
import { generateSampleLibrary } from '../src/sample/index.ts';

const root = resolve(process.argv[2] ?? '.demo');
const env = { ...process.env, PHOTOFERRY_HOME: join(root, 'home'), PHOTOFERRY_PASSPHRASE: process.env.PHOTOFERRY_PASSPHRASE ?? 'demo-vault-passphrase' };

/** Runs the CLI; `answer` types a line when the CLI prints a prompt matching it (the 2FA code). */
function cli(args: string[], answer?: { prompt: RegExp; text: () => string | undefined }, extraEnv: Record<string, string> = {}): Promise<void> {
  process.stdout.write(`\n$ photoferry ${args.join(' ')}\n`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve('bin/photoferry.js'), ...args], { env: { ...env, ...extraEnv }, stdio: ['pipe', 'inherit', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      if (answer && answer.prompt.test(d.toString())) {
        const code = answer.text();
        process.stderr.write(`${code ?? ''}   (read off the simulated trusted device)\n`);
        child.stdin.write(`${code ?? ''}\n`);
      }
    });
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`photoferry ${args[0]} exited with ${code}`))));
  });
}

function summarizeTree(dir: string): void {
  const years = readdirSync(dir).filter((d) => /^\d{4}$/.test(d)).sort();
  process.stdout.write(`\n${dir}, by {yyyy}/{mm}/{dd}:\n`);
  for (const y of years) {
    let files = 0;
    const walk = (d: string) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files += 1; } };
    walk(join(dir, y));
    process.stdout.write(`  ${y}/  ${files} files\n`);
  }
}

const sim = await runSimulator({ assets: Number(process.env.DEMO_ASSETS ?? 300), seed: 2026, port: 0 });
try {
  process.stdout.write(`Apple simulator on ${sim.baseUrl} with ${sim.assets} assets; demo account ${sim.appleId}\n`);
  await cli(['remote', 'add', 'icloud-demo', 'icloud', `appleId=${sim.appleId}`, `authUrl=${sim.authUrl}`, `setupUrl=${sim.setupUrl}`, '--replace']);
  await cli(['auth', 'icloud', 'icloud-demo'], { prompt: /Verification code:/, text: () => sim.lastCode() }, { PHOTOFERRY_ICLOUD_PASSWORD: sim.password });
  const photos = join(root, 'icloud-backup');
  await cli(['copy', 'icloud-demo:', `local:${photos}`]);
  await cli(['copy', 'icloud-demo:', `local:${photos}`]);
  await cli(['verify', `local:${photos}`, '--deep']);
  summarizeTree(photos);
} finally {
  await sim.stop();
}

const library = join(root, 'library');
if (!existsSync(library)) {
  process.stdout.write(`\nGenerating a sample export folder in ${library} …\n`);
  const made = await generateSampleLibrary({ dir: library, seed: 2026, photos: 40, videos: 4, livePhotos: 10, rawPairs: 4, screenshots: 3, edited: 5 });
  process.stdout.write(`  ${made.files} files, ${(made.bytes / 1e6).toFixed(1)} MB in ${(made.durationMs / 1000).toFixed(1)}s\n`);
}
const backup = join(root, 'folder-backup');
await cli(['copy', `folder:${library}`, `local:${backup}`]);
await cli(['copy', `folder:${library}`, `local:${backup}`]);
summarizeTree(backup);
await cli(['runs', '--limit', '6']);

// The home stays: say how to reach the same catalog and vault again, and that the simulator is gone.
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
// The demo's own passphrase is no secret; one the user chose is never echoed back.
const passphrase = process.env.PHOTOFERRY_PASSPHRASE === undefined ? quote(env.PHOTOFERRY_PASSPHRASE) : '"$PHOTOFERRY_PASSPHRASE"  # the one you gave the demo';
const again = `PHOTOFERRY_HOME=${quote(env.PHOTOFERRY_HOME)} PHOTOFERRY_PASSPHRASE=${passphrase}`;
process.stdout.write([
  '',
  'The demo is over. Its catalog, config and vault stay in the home above; to continue with them:',
  `  export ${again}`,
  '  photoferry runs',
  `  photoferry verify local:${quote(backup)} --deep`,
  `  photoferry copy folder:${quote(library)} local:${quote(backup)}`,
  `The Apple simulator stopped with the demo: the "icloud-demo" remote points at ${sim.baseUrl}, which no longer answers`,
  '(run the demo again for a new one, or `photoferry simulate` and add a remote for it).',
  '',
].join('\n'));
