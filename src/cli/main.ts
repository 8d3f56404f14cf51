/** @module The photoferry CLI: global flags, the command list, and nothing else. */
import { Command } from 'commander';
import * as copy from './commands/copy.ts';
import * as verify from './commands/verify.ts';
import * as runs from './commands/runs.ts';

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

for (const module of [copy, verify, runs]) module.register(program);

await program.parseAsync(process.argv);
