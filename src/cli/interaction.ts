/** @module How the CLI answers a source's questions: the 2FA code from --code, a TTY prompt, or standard input; approval notices with a countdown. */
import { createInterface } from 'node:readline/promises';
import type { SourceInteraction } from '../app/connect.ts';

/** Standard input ended before a code was typed (cron, systemd, a closed pipe): nobody can answer. */
export class NoTerminalError extends Error {
  override readonly name = 'NoTerminalError';
}

export function cliInteraction(code?: string): SourceInteraction {
  let lastCountdown = '';
  return {
    async promptCode(hint) {
      if (code) return code.trim();
      if (process.stdin.readableEnded || process.stdin.destroyed) throw new NoTerminalError('no terminal to type the verification code in');
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
      // Without this, a closed stdin leaves the question pending forever and Node exits 13 with no message.
      const closed = new Promise<never>((_, reject) => rl.once('close', () => reject(new NoTerminalError('no terminal to type the verification code in'))));
      closed.catch(() => undefined);
      try {
        const answer = await Promise.race([rl.question(`${hint}\nVerification code: `), closed]);
        return answer.trim();
      } finally {
        rl.close();
      }
    },
    notice(n) {
      if (n.kind !== 'approve-on-device') { process.stderr.write(`${n.message}\n`); return; }
      const left = `${Math.floor(n.secondsLeft / 60)}:${String(n.secondsLeft % 60).padStart(2, '0')}`;
      if (lastCountdown === '') process.stderr.write(`${n.message}\n`);
      if (left !== lastCountdown) process.stderr.write(`  waiting for your approval… ${left} left\n`);
      lastCountdown = left;
    },
  };
}
