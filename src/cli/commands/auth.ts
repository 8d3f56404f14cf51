/** @module `photoferry auth icloud ACCOUNT` (password + 2FA code, once) and `photoferry auth status ACCOUNT`. */
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
  const auth = program.command('auth').description('sign in to iCloud and check saved sessions');
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
