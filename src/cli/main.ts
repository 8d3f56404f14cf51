/** @module The photoferry CLI: global flags, the command list, and nothing else. */
import { Command } from 'commander';
import * as copy from './commands/copy.ts';
import * as verify from './commands/verify.ts';
import * as runs from './commands/runs.ts';
import * as remote from './commands/remote.ts';
import * as sample from './commands/sample.ts';
import * as auth from './commands/auth.ts';
import * as simulate from './commands/simulate.ts';
import * as serve from './commands/serve.ts';
import * as freeUp from './commands/free-up.ts';
import { remotesDepsOf } from '../app/remotes.ts';
import { testRemote } from '../app/remote-test.ts';
import { withContext } from './runtime.ts';

const program = new Command('photoferry')
  .description('Get your photo library out of iCloud, originals intact, into storage you control.')
  .version('0.1.0')
  .option('--config <file>', 'config file (default $XDG_CONFIG_HOME/photoferry/config.yaml)')
  .option('--catalog <file>', 'catalog database (default $XDG_DATA_HOME/photoferry/catalog.db)')
  .option('--vault <file>', 'encrypted secret vault (default $XDG_CONFIG_HOME/photoferry/vault.json)')
  .option('--json', 'machine-readable events on stdout, one JSON object per line')
  .option('-q, --quiet', 'print nothing but errors')
  .showHelpAfterError()
  .exitOverride((err) => { process.exit(err.exitCode === 0 ? 0 : 2); });

for (const module of [copy, verify, runs, auth, sample, simulate, serve, freeUp]) module.register(program);
remote.register(program, { withRemotes: (cmd, body) => withContext(cmd, (ctx, signal) => body(remotesDepsOf(ctx), signal)), testRemote });

await program.parseAsync(process.argv);
