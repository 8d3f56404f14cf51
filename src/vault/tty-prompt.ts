/** @module The terminal passphrase prompt (echo off) that the CLI hands to createVault. */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { VaultError } from './vault-error.ts';
import type { PassphrasePrompt } from './vault.ts';

export interface TtyStreams {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly output: NodeJS.WritableStream;
}

/** Reads one line while printing nothing of it; the question itself goes to `output` (stderr, to keep stdout clean). */
export function askHidden(question: string, streams: TtyStreams): Promise<string> {
  let muted = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) streams.output.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: streams.input, output: sink, terminal: true });
  return new Promise((resolve, reject) => {
    rl.on('SIGINT', () => {
      rl.close();
      streams.output.write('\n');
      reject(new VaultError('locked', 'Cancelled: no vault passphrase given.'));
    });
    rl.question(question, (answer) => {
      rl.close();
      streams.output.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/**
 * A PassphrasePrompt on the process's terminal. A new vault's passphrase is asked twice. Without a terminal it
 * throws "locked" so scripts get told about PHOTOFERRY_PASSPHRASE instead of hanging on a read.
 */
export function ttyPassphrase(streams: TtyStreams = { input: process.stdin, output: process.stderr }): PassphrasePrompt {
  return async ({ creating, path }) => {
    if (streams.input.isTTY !== true) {
      throw new VaultError('locked', `The vault ${path} is locked and there is no terminal to ask: set PHOTOFERRY_PASSPHRASE.`);
    }
    if (!creating) return askHidden(`Vault passphrase (${path}): `, streams);
    const first = await askHidden(`New vault passphrase (${path}): `, streams);
    const again = await askHidden('Repeat the passphrase: ', streams);
    if (first !== again) throw new VaultError('passphrase-mismatch', 'The two passphrases differ; nothing was saved.');
    return first;
  };
}
