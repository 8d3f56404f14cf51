/** @module `photoferry remote add|list|show|remove` (and the `remote test` hook): named remotes like rclone's. */
import type { Command } from 'commander';
import { UsageError } from '../../core/usage-error.ts';
import { addRemote, listRemotes, removeRemote, showRemote, type RemotesDeps, type RemoteView } from '../../app/remotes.ts';

export interface RemoteCommandDeps {
  /**
   * Runs `body` with the use-case deps built from the global flags and maps errors to exit codes. The CLI wires it as
   * `(cmd, body) => withContext(cmd, (ctx, signal) => body(remotesDepsOf(ctx), signal))`.
   */
  withRemotes(cmd: Command, body: (remotes: RemotesDeps, signal: AbortSignal) => Promise<number>): Promise<void>;
  /**
   * Hook for the destinations engineers: when given, `remote test NAME` is registered and prints what this returns
   * (a one-line verdict; failures are thrown, as TransferError or UsageError, and become the exit code).
   */
  testRemote?: (remotes: RemotesDeps, name: string, signal: AbortSignal) => Promise<string>;
  /** `remote add TYPE --help`: that connector's options, or undefined for an unknown type. */
  optionsHelp?: { types: () => readonly string[]; of: (type: string) => string | undefined };
  /** Where results go (stdout by default); prompts and errors go to stderr elsewhere. */
  write?: (text: string) => void;
}

export interface AddArgs {
  readonly type: string;
  readonly options: Record<string, string>;
}

/** `NAME TYPE k=v ...` (rclone config create) or `NAME --type TYPE --opt k=v ...`; both forms may be mixed. */
export function parseAddArgs(args: readonly string[], flags: { type?: string | undefined; opt?: readonly string[] | undefined }): AddArgs {
  const rest = [...args];
  const type = flags.type ?? (rest[0] !== undefined && !rest[0].includes('=') ? rest.shift() : undefined);
  const problems: string[] = [];
  if (type === undefined) problems.push('type: missing (give it as the second argument or with --type)');
  const options: Record<string, string> = {};
  for (const pair of [...rest, ...(flags.opt ?? [])]) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (key === '') problems.push(`"${at < 0 ? pair : pair.slice(0, at)}": expected key=value`);
    else if (key in options) problems.push(`${key}: given twice`);
    else options[key] = pair.slice(at + 1);
  }
  if (problems.length > 0 || type === undefined) throw new UsageError('Cannot read the remote options:', problems);
  return { type, options };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** rclone's `config show` layout: `[name]` then `key = value` lines; values come already redacted. */
export function formatRemote(view: RemoteView): string {
  const lines = [`[${view.name}]`, `type = ${view.type}${view.title === undefined ? '  (unknown type)' : ''}`];
  for (const [key, value] of Object.entries(view.options)) lines.push(`${key} = ${text(value)}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, deps: RemoteCommandDeps): void {
  const write = deps.write ?? ((t: string) => { process.stdout.write(t); });
  const json = (cmd: Command): boolean => cmd.optsWithGlobals<{ json?: boolean }>().json === true;
  const emit = (cmd: Command, value: object, human: string) => write(json(cmd) ? `${JSON.stringify(value)}\n` : human);

  const remote = program.command('remote').description('named remotes: connector type and options saved once, used as NAME:path');

  remote.command('add <name> [args...]')
    .description('add a remote, e.g. "remote add nas sftp host=nas.local user=me password=…"; secret options go to the vault')
    .option('-t, --type <type>', 'connector type (s3, sftp, local, …)')
    .option('-o, --opt <key=value>', 'an option (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--replace', 'replace an existing remote of that name')
    .addHelpText('after', () => typeHelp(deps.optionsHelp, process.argv.slice(2)))
    .action(async (name: string, args: string[], flags: { type?: string; opt?: string[]; replace?: boolean }, self: Command) => {
      await deps.withRemotes(self, async (remotes) => {
        const { type, options } = parseAddArgs(args, flags);
        const view = await addRemote(remotes, { name, type, options, fromText: true, replace: flags.replace === true });
        emit(self, { type: 'remote', remote: view }, formatRemote(view));
        return 0;
      });
    });

  remote.command('list').alias('ls').description('the configured remotes')
    .action(async (_flags: unknown, self: Command) => {
      await deps.withRemotes(self, async (remotes) => {
        const list = await listRemotes(remotes);
        const width = Math.max(4, ...list.map((r) => r.name.length));
        const human = list.length === 0
          ? 'No remotes yet. Add one with: photoferry remote add NAME TYPE key=value …\n'
          : list.map((r) => `${r.name.padEnd(width)}  ${r.type.padEnd(8)}  ${r.title ?? '(unknown type)'}\n`).join('');
        emit(self, { type: 'remotes', remotes: list }, human);
        return 0;
      });
    });

  remote.command('show <name>').description('one remote\'s options (secrets shown as ***)')
    .action(async (name: string, _flags: unknown, self: Command) => {
      await deps.withRemotes(self, async (remotes) => {
        const view = await showRemote(remotes, name);
        emit(self, { type: 'remote', remote: view }, formatRemote(view));
        return 0;
      });
    });

  remote.command('remove <name>').alias('rm').description('forget a remote and its secrets (stored files are not touched)')
    .action(async (name: string, _flags: unknown, self: Command) => {
      await deps.withRemotes(self, async (remotes) => {
        await removeRemote(remotes, name);
        emit(self, { type: 'remote-removed', name }, `Removed remote "${name}".\n`);
        return 0;
      });
    });

  const test = deps.testRemote;
  if (test !== undefined) {
    remote.command('test <name>').description('check that a remote is reachable and writable')
      .action(async (name: string, _flags: unknown, self: Command) => {
        await deps.withRemotes(self, async (remotes, signal) => {
          const verdict = await test(remotes, name, signal);
          emit(self, { type: 'remote-test', name, ok: true, message: verdict }, `${verdict}\n`);
          return 0;
        });
      });
  }
}

/** The options of the first connector type named after `add` on the command line, else the list of types. */
function typeHelp(help: RemoteCommandDeps['optionsHelp'], argv: readonly string[]): string {
  if (help === undefined) return '';
  const words = argv.slice(argv.indexOf('add') + 1).filter((a) => !a.startsWith('-'));
  const types = help.types();
  const type = words.find((w) => types.includes(w));
  const text = type === undefined ? undefined : help.of(type);
  return text === undefined
    ? `\nConnector types: ${types.join(', ')}\nTheir options: photoferry remote add TYPE --help (e.g. photoferry remote add s3 --help)`
    : `\n${text}`;
}
