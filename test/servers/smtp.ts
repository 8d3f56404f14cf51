/**
 * @module A real SMTP server on 127.0.0.1: Python's aiosmtpd (Debian python3-aiosmtpd) with its Maildir handler, so
 * every message it accepts lands as a file the test reads back.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, superviseServer } from './loopback-port.ts';

export interface SmtpServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** RFC 5322 messages received so far (quoted-printable undone), oldest first. */
  messages(): Promise<string[]>;
  /** Resolves with the first message matching, polling the Maildir until `timeoutMs`. */
  waitFor(match: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** The system python: aiosmtpd is a Debian package, not in a pyenv or venv python. */
export const PYTHON = '/usr/bin/python3';

export function smtpAvailable(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  if (!existsSync('/usr/lib/python3/dist-packages/aiosmtpd')) return 'python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd; scripts/setup.sh does)';
  return undefined;
}

/** Long lines arrive quoted-printable: undo the soft breaks and =XX escapes so tests match the text as written. */
const decodeQuotedPrintable = (raw: string): string => /^Content-Transfer-Encoding: quoted-printable/mi.test(raw)
  ? Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
  : raw;

export async function startSmtp(): Promise<SmtpServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-smtp-'));
  const maildir = join(dir, 'Maildir');
  const port = await freePort();
  const child = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  const stop = await superviseServer(child, dir, port, '220');
  const messages = async () => {
    const folder = join(maildir, 'new');
    if (!existsSync(folder)) return [];
    const names = (await readdir(folder)).sort();
    return Promise.all(names.map(async (n) => decodeQuotedPrintable(await readFile(join(folder, n), 'utf8'))));
  };
  return {
    host: '127.0.0.1', port, messages, stop,
    async waitFor(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await messages()).find((m) => match.test(m));
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no email matching ${String(match)} within ${timeoutMs} ms (${(await messages()).length} received)`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}
