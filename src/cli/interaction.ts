/** @module How the CLI answers a source's questions: the 2FA code from --code, a TTY prompt, or standard input. */
import { createInterface } from 'node:readline/promises';
import type { SourceInteraction } from '../app/connect.ts';

export function cliInteraction(code?: string): SourceInteraction {
  return {
    async promptCode(hint) {
      if (code) return code.trim();
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
      try {
        const answer = await rl.question(`${hint}\nVerification code: `);
        return answer.trim();
      } finally {
        rl.close();
      }
    },
  };
}
