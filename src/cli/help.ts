/** @module `--help` in rclone's manner: a paragraph per command, the SOURCE/DESTINATION forms, examples, environment and exit codes. */
import type { Command } from 'commander';
import { EXIT } from './exit-codes.ts';

const FORMS = `Sources and destinations:
  SOURCE is where photos come from:
    NAME:                a named iCloud remote (photoferry remote add NAME icloud appleId=…)
    icloud:APPLE_ID      an iCloud library without a named remote
    folder:/path         a folder of photos and videos (an exported library, a phone dump)
    /path                the same, without the prefix
    archive:DESTINATION  a photoferry backup, read back through its manifest (restore)
  DESTINATION is where they go:
    local:/path or /path a folder on a local disk or mounted NAS
    NAME:path            a named remote (s3, sftp, webdav, rclone) and a folder inside it
    s3:bucket/prefix     a connector type with its target, options from the config file
  List the connector types with: photoferry remote add --help`;

const ENVIRONMENT = `Environment:
  PHOTOFERRY_HOME        one folder for config, catalog and vault (instead of the XDG folders)
  PHOTOFERRY_CONFIG      config file (default $XDG_CONFIG_HOME/photoferry/config.yaml)
  PHOTOFERRY_CATALOG     catalog database (default $XDG_DATA_HOME/photoferry/catalog.db)
  PHOTOFERRY_VAULT       encrypted secret vault
  PHOTOFERRY_PASSPHRASE  unlocks the vault without a prompt (scripts, cron, the dashboard)
  PHOTOFERRY_ICLOUD_PASSWORD  the Apple ID password for "auth icloud" without a prompt
  PHOTOFERRY_CONCURRENCY files in flight at once (default of --concurrency)
  PHOTOFERRY_TEMPLATE    default destination path template
  PHOTOFERRY_DEBUG=1     print stack traces with errors`;

const EXIT_CODES = `Exit codes:
  ${EXIT.ok}    done, nothing failed
  ${EXIT.someFailed}    the run finished but some files failed (photoferry runs show ID lists them)
  ${EXIT.usage}    bad arguments, config or vault passphrase: the message says what to change
  ${EXIT.authRequired}    someone must act: sign in again, enter a code, unlock the vault (PHOTOFERRY_PASSPHRASE)
  ${EXIT.notFound}    not found: a missing source, or nothing recorded for a destination (verify)
  ${EXIT.permanent}    a failure that retrying will not fix (permission denied, disk full)
  ${EXIT.tryLater}   the service is not ready (library still indexing, throttled): run again later
  ${EXIT.cancelled}  cancelled (Ctrl-C): no half-written file is left or counted`;

interface CommandHelp { readonly about: string; readonly examples: readonly string[]; readonly forms?: boolean }

const COMMANDS: Record<string, CommandHelp> = {
  copy: {
    about: `Copies every asset of SOURCE that DESTINATION does not verifiably hold yet: originals untouched, plus their
Live Photo videos, RAW alternatives and edits, and beside them the derived files (XMP sidecars, optional JPEG
conversions, album manifests, photoferry-manifest.jsonl). Each file is written to a temporary name, checked
against its size and hash, then renamed: an interrupted copy leaves no half file, and running it again sends
only what is missing. copy never deletes anything at the destination.`,
    examples: [
      'photoferry copy myicloud: local:/mnt/backup/photos',
      'photoferry copy folder:~/Pictures/export nas:photos --after 2020-01-01 --type photo,live',
      'photoferry copy myicloud: b2:my-bucket/photos --convert heic=jpeg:85 --sidecar both',
      'photoferry --json copy myicloud: /mnt/backup | jq \'select(.type == "finished")\'',
    ],
    forms: true,
  },
  sync: {
    about: `Like copy; with --delete it also removes from DESTINATION the files whose asset SOURCE deleted (only files
photoferry itself recorded there, never anything else). Without --delete it is exactly copy.`,
    examples: ['photoferry sync myicloud: local:/mnt/backup/photos --delete', 'photoferry plan myicloud: local:/mnt/backup/photos   # see first what would change'],
    forms: true,
  },
  plan: {
    about: `A dry run: lists SOURCE, compares it with what the catalog records at DESTINATION and prints what copy would
write — assets, original files and bytes, derived files — per year, media type and album. Media types overlap
(a Live Photo is also a photo), and the report says so. Nothing is written anywhere but the catalog's listing.`,
    examples: ['photoferry plan myicloud: local:/mnt/backup', 'photoferry --json plan folder:~/Pictures local:/mnt/backup --type video'],
    forms: true,
  },
  verify: {
    about: `Checks that every file the catalog recorded at DESTINATION is there with its recorded size; --deep re-reads
each one and compares its SHA-256. A destination photoferry never wrote (or whose files are all gone) is an
error (exit ${EXIT.notFound}), never "all good".`,
    examples: ['photoferry verify local:/mnt/backup/photos', 'photoferry verify b2:my-bucket/photos --deep'],
  },
  runs: {
    about: `The history of runs, newest first: what each copied, how much, how long, and how it ended. Runs that
failed before sending anything are listed too, with their reason. "runs show ID" prints one run's counts and
every failed file with its reason.`,
    examples: ['photoferry runs -n 5', 'photoferry runs show 20260101T120000-abc123', 'photoferry --json runs'],
  },
  remote: {
    about: `Named remotes, as in rclone: a connector type and its options saved once in the config file (secrets in the
encrypted vault) and then used as NAME: or NAME:path. "remote add TYPE --help" lists a type's options.`,
    examples: ['photoferry remote add nas sftp host=nas.local user=me password=…', 'photoferry remote add s3 --help', 'photoferry remote show nas'],
  },
  auth: {
    about: `Signs in to iCloud with the Apple ID password and the two-factor code, and saves the session in the vault
so that copies run unattended until Apple asks for a new code. "auth gphotos REMOTE" signs in to Google Photos in
the browser with the remote's own OAuth client and stores the refresh token in the vault.`,
    examples: ['photoferry auth icloud myicloud', 'photoferry auth status myicloud', 'photoferry auth gphotos gp'],
  },
  serve: {
    about: 'Runs the web dashboard and its API; scheduled tasks run while it is up.',
    examples: ['PHOTOFERRY_PASSPHRASE=… photoferry serve', 'photoferry serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem'],
  },
  sample: {
    about: 'Writes a sample library of real photos, Live Photos, RAW pairs and videos, to try photoferry without your own.',
    examples: ['photoferry sample /tmp/sample && photoferry copy /tmp/sample local:/tmp/backup'],
  },
  simulate: {
    about: 'Runs a local fake of iCloud (sign-in with 2FA, CloudKit Photos, downloads) with a generated library.',
    examples: ['photoferry simulate --assets 200'],
  },
};

const block = (h: CommandHelp) => [
  '', h.about, '', 'Examples:', ...h.examples.map((e) => `  ${e}`),
  ...(h.forms ? ['', FORMS] : []), '', ENVIRONMENT, '', EXIT_CODES,
].join('\n');

/** Adds the paragraphs to the program and each command it knows. */
export function addHelp(program: Command): void {
  program.addHelpText('after', ['', FORMS, '', ENVIRONMENT, '', EXIT_CODES, '', 'Every command has its own --help with examples.'].join('\n'));
  for (const cmd of program.commands) {
    const help = COMMANDS[cmd.name()];
    if (help) cmd.addHelpText('after', block(help));
  }
}
