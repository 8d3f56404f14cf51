/** @module `photoferry simulate`: runs the Apple simulator in the foreground and prints how to sign in to it; Ctrl-C stops it. */
import { Option, type Command } from 'commander';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import { globalsOf, reportError } from '../runtime.ts';

const int = (v: string) => Number(v);

interface SimulateFlags {
  assets: number; seed: number; port: number; meanSize?: number; apple2026: boolean;
  adp?: 'grant' | 'deny' | 'pending'; code409?: 'token' | 'no-token' | 'none'; appSpecificPassword?: boolean;
}

export function register(program: Command): void {
  program.command('simulate')
    .description('run a local fake of iCloud (sign-in with 2FA, CloudKit Photos, downloads) with a generated library')
    .option('--assets <n>', 'library size (100k+ is fine: records are generated on demand)', int, 2000)
    .option('--seed <n>', 'same seed, same library and bytes', int, 1)
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', int, 0)
    .option('--mean-size <bytes>', 'mean photo size in bytes (videos are 8× larger)', int)
    .option('--no-apple-2026', 'sign in as Apple did before 2026 (code pushed at once, phones in the old place, no 409 answers)')
    .addOption(new Option('--adp [approval]', 'the demo account has Advanced Data Protection; the trusted device grants (after one poll), denies, or waits for POST /__sim/auth/approve').choices(['grant', 'deny', 'pending']).preset('grant'))
    .addOption(new Option('--code-409 <answer>', 'answer a valid 2FA code with HTTP 409 plus a session token, or 409 without one').choices(['token', 'no-token', 'none']))
    .option('--app-specific-password', 'refuse the demo password as an app-specific one (-20283)')
    .action(async (flags: SimulateFlags, self: Command) => {
      const globals = globalsOf(self);
      try {
        const { runSimulator } = await import('../../app/simulate.ts');
        const sim = await runSimulator({
          assets: flags.assets, seed: flags.seed, port: flags.port, apple2026: flags.apple2026,
          ...(flags.meanSize === undefined ? {} : { meanSize: flags.meanSize }),
          ...(flags.adp === undefined ? {} : { adp: flags.adp }),
          ...(flags.code409 === undefined ? {} : { code409: flags.code409 }),
          ...(flags.appSpecificPassword === true ? { appSpecificPassword: true } : {}),
        });
        const info = { type: 'simulator', authUrl: sim.authUrl, setupUrl: sim.setupUrl, baseUrl: sim.baseUrl, appleId: sim.appleId, password: sim.password, assets: sim.assets };
        if (globals.json) process.stdout.write(`${JSON.stringify(info)}\n`);
        else {
          process.stdout.write([
            `Apple simulator with ${sim.assets} assets on ${sim.baseUrl}`,
            `  auth URL:  ${sim.authUrl}`,
            `  setup URL: ${sim.setupUrl}`,
            `  demo account: ${sim.appleId}  password: ${sim.password}  (2FA codes are printed below)`,
            `  try: photoferry copy icloud:${sim.appleId} <destination> with the source options authUrl/setupUrl above`,
            `  sign-in behaves like Apple ${flags.apple2026 ? 'in 2026: the code is sent when photoferry asks for it' : 'before 2026'}${flags.adp === undefined ? '' : `; Advanced Data Protection on (approval: ${flags.adp})`}`,
            'Ctrl-C stops it.', '',
          ].join('\n'));
        }
        let shown: string | undefined;
        const codes = setInterval(() => {
          const code = sim.lastCode();
          if (code !== undefined && code !== shown) { shown = code; process.stdout.write(globals.json ? `${JSON.stringify({ type: '2fa-code', code })}\n` : `2FA code sent to the demo account: ${code}\n`); }
        }, 300);
        await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); });
        clearInterval(codes);
        await sim.stop();
        process.exitCode = EXIT.ok;
      } catch (err) {
        reportError(err, globals);
        process.exitCode = exitCodeOf(err);
      }
    });
}
