/** @module The photoferry CLI: global flags, the command list, and nothing else. */
import { Command } from 'commander';
import * as copy from './commands/copy.ts';
import * as worker from './commands/worker.ts';
import * as verify from './commands/verify.ts';
import * as runs from './commands/runs.ts';
import * as remote from './commands/remote.ts';
import * as sample from './commands/sample.ts';
import * as auth from './commands/auth.ts';
import * as simulate from './commands/simulate.ts';
import * as serve from './commands/serve.ts';
import * as freeUp from './commands/free-up.ts';
import { withContext } from './runtime.ts';
import { addHelp } from './help.ts';

// `photoferry --json copy … | head`: the reader went away. A running command stops as on Ctrl-C (its run is
// recorded as cancelled); otherwise end as a Unix tool killed by SIGPIPE would (128 + 13). Never a stack trace.
let readerGone = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  if (readerGone) return;
  readerGone = true;
  if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT', 'SIGINT');
  else process.exit(141);
});

const program = new Command('photoferry')
  .description('Get your photo library out of iCloud, originals intact, into storage you control.')
  .version('0.1.0')
  .option('--config <file>', 'config file (default $XDG_CONFIG_HOME/photoferry/config.yaml)')
  .option('--catalog <file-or-url>', 'catalog: a SQLite file (default $XDG_DATA_HOME/photoferry/catalog.db) or a postgres:// URL')
  .option('--vault <file>', 'encrypted secret vault (default $XDG_CONFIG_HOME/photoferry/vault.json)')
  .option('--json', 'machine-readable events on stdout, one JSON object per line')
  .option('-q, --quiet', 'print nothing but errors')
  .showHelpAfterError('(add --help for usage)')
  // "photoferry: --after: not a date …" rather than commander's "option '--after <date>' argument … is invalid."
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: option '[^']*' argument '[^']*' is invalid\. /, 'photoferry: ')) })
  .exitOverride((err) => { process.exit(err.exitCode === 0 ? 0 : 2); });

for (const module of [copy, verify, runs, auth, sample, simulate, serve, worker, freeUp]) module.register(program);
// Connector definitions (and zod, which describes their options) load only for `remote …`, whose help lists them.
const connectorHelp = process.argv.includes('remote') ? await import('../app/connector-help.ts') : undefined;
remote.register(program, {
  withRemotes: (cmd, body) => withContext(cmd, async (ctx, signal) => body((await import('../app/remotes.ts')).remotesDepsOf(ctx), signal)),
  // every destination's client loads only when a remote is tested
  testRemote: async (...args) => (await import('../app/remote-test.ts')).testRemote(...args),
  ...(connectorHelp ? { optionsHelp: { types: connectorHelp.connectorTypes, of: connectorHelp.connectorOptionsHelp } } : {}),
});
addHelp(program);

await program.parseAsync(process.argv);
