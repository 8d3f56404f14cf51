/**
 * @module `photoferry auth icloud ACCOUNT` (password + 2FA code, once), `photoferry auth status ACCOUNT`, and
 * `photoferry auth gphotos REMOTE` (Google sign-in in the browser; the refresh token goes to the vault).
 */
import type { Command } from 'commander';
import type { icloudStatus } from '../../app/icloud-auth.ts';
import { EXIT } from '../exit-codes.ts';
import { cliInteraction } from '../interaction.ts';
import { globalsOf, withContext } from '../runtime.ts';

type AuthStatusView = Awaited<ReturnType<typeof icloudStatus>>;

const describe = (s: AuthStatusView) => {
  if (!s.saved) return `${s.appleId}: not signed in — run: photoferry auth icloud ${s.appleId}`;
  const state = s.valid === true ? 'signed in' : s.valid === false ? 'session expired (the saved password and trust renew it on the next run)' : 'session saved';
  const age = s.trustAgeDays === undefined ? '' : `; 2FA trust ${s.trustAgeDays} day(s) old`;
  const days = s.daysLeft === undefined ? '' : `${age}; a new 2FA code will be needed in ${s.daysLeft} day(s)`;
  return `${s.appleId}: ${state}${s.trusted ? ', trusted browser' : ''}${s.passwordSaved ? ', password in the vault' : ''}${days}`;
};

/** The Apple ID password: PHOTOFERRY_ICLOUD_PASSWORD, a hidden TTY prompt, or the first line of standard input. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.PHOTOFERRY_ICLOUD_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) return (await import('../../app/secrets.ts')).askHidden('Apple ID password: ', { input: process.stdin, output: process.stderr });
  let text = '';
  for await (const chunk of process.stdin) { text += String(chunk); if (text.includes('\n')) break; }
  return text.split('\n')[0] ?? '';
}

export function register(program: Command): void {
  const auth = program.command('auth').description('sign in to iCloud or Google Photos and check saved sessions');
  registerGphotos(auth);
  auth.command('icloud <account>')
    .description('sign in with the Apple ID password and the 2FA code; the session, trust token and password go to the vault')
    .option('--code <code>', 'the 6-digit code (otherwise asked for when Apple sends it)')
    .option('--phone <id>', 'get the code by SMS to this trusted number (Apple\'s id, or the last digits) instead of on your devices')
    .action(async (account: string, flags: { code?: string; phone?: string }, self: Command) => {
      await withContext(self, async (ctx, signal) => {
        const { signInIcloud } = await import('../../app/icloud-auth.ts'); // the iCloud client loads only here
        const status = await signInIcloud(ctx, {
          account, password: readPassword, interaction: cliInteraction(flags.code), ...(flags.phone === undefined ? {} : { phone: flags.phone }),
        }, signal);
        if (globalsOf(self).json) process.stdout.write(`${JSON.stringify({ type: 'auth', ...status })}\n`);
        else process.stdout.write(`${describe(status)}\n`);
        return EXIT.ok;
      });
    });
  auth.command('status <account>')
    .description('is a session saved, does Apple still accept it, how many days until a new code is needed')
    .action(async (account: string, _flags: unknown, self: Command) => {
      await withContext(self, async (ctx, signal) => {
        const status = await (await import('../../app/icloud-auth.ts')).icloudStatus(ctx, account, signal);
        if (globalsOf(self).json) process.stdout.write(`${JSON.stringify({ type: 'auth-status', ...status })}\n`);
        else process.stdout.write(`${describe(status)}\n`);
        return status.saved && status.valid !== false ? EXIT.ok : EXIT.authRequired;
      });
    });
}

const GPHOTOS_HELP = `
Before: create an OAuth client of type "Desktop app" in your own Google Cloud project (Photos Library API enabled),
then "photoferry remote add NAME gphotos clientId=… clientSecret=…". This command prints an address: open it in a
browser signed in to the Google account that should receive the copies and allow access. Google sends the browser
back to photoferry on 127.0.0.1 (this machine: on a headless server, open the address in a browser on it, or forward
the printed port with ssh -L). The refresh token is stored in the vault, never printed.
Google's device flow (a code typed on another device) is not offered: Google does not allow the Photos Library
scopes in it. Apps left in "Testing" get refresh tokens that expire after 7 days: publish the app ("In production")
or sign in again each week.

Examples:
  photoferry remote add gp gphotos clientId=123.apps.googleusercontent.com clientSecret=…
  photoferry auth gphotos gp
  photoferry copy icloud:me@example.com gp:`;

function registerGphotos(auth: Command): void {
  auth.command('gphotos <remote>')
    .description('sign in to Google Photos in the browser with the remote\'s own OAuth client; stores the refresh token in the vault')
    .option('--timeout <seconds>', 'how long to wait for the browser to come back', '300')
    .addHelpText('after', GPHOTOS_HELP)
    .action(async (remote: string, flags: { timeout: string }, self: Command) => {
      await withContext(self, async (ctx, signal) => {
        const seconds = Number(flags.timeout);
        if (!Number.isFinite(seconds) || seconds <= 0) throw new (await import('../../core/usage-error.ts')).UsageError(`--timeout: "${flags.timeout}" is not a number of seconds`);
        const { signInGphotos } = await import('../../app/gphotos-auth.ts');
        const result = await signInGphotos(ctx, {
          remote, timeoutMs: seconds * 1000,
          open: (url, redirectUri) => process.stderr.write(`Open this address in a browser signed in to your Google account, and allow access:\n\n  ${url}\n\n`
            + `Waiting up to ${seconds} s for Google to send the browser back to ${redirectUri} (Ctrl-C to stop)…\n`),
        }, signal);
        if (result.testingWarning) {
          process.stderr.write(`warning: this OAuth app is in "Testing": its refresh token expires ${result.expiresAt ? `at ${result.expiresAt}` : 'after 7 days'}; `
            + `publish the app (Google Cloud console → OAuth consent screen → In production) or run "photoferry auth gphotos ${result.remote}" again before then\n`);
        }
        if (globalsOf(self).json) process.stdout.write(`${JSON.stringify({ type: 'auth-gphotos', ...result })}\n`);
        else process.stdout.write(`${result.remote}: signed in to Google Photos; refresh token stored in the vault\n`);
        return EXIT.ok;
      });
    });
}
