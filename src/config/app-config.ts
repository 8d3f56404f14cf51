/** @module The app config: zod schemas of config.yaml and of the resolved AppConfig that the rest of the app reads. */
import { z } from 'zod';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Remote names end up in vault keys (`remote/NAME/option`) and CLI targets (`NAME:path`), so no `/` or `:`. */
export const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const remoteNameSchema = z.string().regex(REMOTE_NAME, {
  error: 'remote names are 1–64 letters, digits, "_", ".", "@" or "-", starting with a letter or digit',
});

/**
 * One named remote. Only `type` is checked here: the options belong to the connector and are checked
 * against its own schema (resolveRemoteOptions) once we know which connector it is.
 */
export const remoteEntrySchema = z.looseObject({
  type: z.string({ error: 'every remote needs a "type" (e.g. s3, sftp, local)' }).min(1),
});
export type RemoteEntry = { readonly type: string } & Readonly<Record<string, unknown>>;

/**
 * Stands in config.yaml for an option whose value lives in the vault (`password: <vault>`), so the file shows
 * which options exist without holding them, and readers know what to fetch without the passphrase.
 */
export const VAULT_REF = '<vault>';
/** Where a remote's secret option is kept in the vault. */
export const vaultKeyOf = (remote: string, option: string): string => `remote/${remote}/${option}`;

export const DEFAULTS = {
  concurrency: 4,
  template: '{yyyy}/{mm}/{dd}/{filename}',
  retries: 3,
  logLevel: 'info',
} as const satisfies Defaults;

const defaultsFields = {
  concurrency: z.int({ error: 'expected a whole number' }).min(1).max(64),
  template: z.string().min(1),
  retries: z.int({ error: 'expected a whole number' }).min(0).max(20),
  logLevel: z.enum(LOG_LEVELS),
};

export const NOTIFICATION_EVENTS = [
  'run.finished', 'run.partial', 'run.failed', 'icloud.signin-needed', 'icloud.session-expiring', 'icloud.session-expired', 'destination.unreachable',
] as const;

/** `notifications:` in config.yaml, read by `photoferry serve` (src/app/notify.ts). */
export const notificationsSchema = z.strictObject({
  webhook: z.strictObject({
    url: z.url({ protocol: /^https?$/ }).describe('Receives a POST with a JSON body per event'),
    /** e.g. an Authorization header the receiver checks; never logged. */
    headers: z.record(z.string(), z.string()).optional(),
    events: z.array(z.enum(NOTIFICATION_EVENTS)).optional().describe('Only these events (default all)'),
  }).optional(),
  expiringDays: z.int().min(1).max(90).default(7).describe('Warn this many days before an iCloud session needs a new code'),
});

/** `server:` in config.yaml: defaults for `photoferry serve` flags. */
export const serverSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.int().min(0).max(65535).optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** Host names the dashboard answers to besides loopback (a reverse proxy's name, a LAN name); others get 421. */
  publicNames: z.array(z.string().min(1).max(253)).optional(),
  /** Folders the dashboard may point local destinations and folder sources at (default: photoferry's data folder). */
  allowedRoots: z.array(z.string().min(1)).optional(),
  /** Believe X-Forwarded-For/-Host/-Proto from: true (any), a hop count, or proxy addresses/CIDRs. Default false. */
  trustProxy: z.union([z.boolean(), z.int().min(1).max(10), z.array(z.string().min(1))]).optional(),
});

/** config.yaml as written by the user: everything optional, unknown keys rejected (typos must not pass silently). */
export const configFileSchema = z.strictObject({
  catalog: z.string().min(1).optional(),
  vault: z.string().min(1).optional(),
  remotes: z.record(remoteNameSchema, remoteEntrySchema).optional(),
  defaults: z.strictObject(defaultsFields).partial().optional(),
  notifications: notificationsSchema.optional(),
  server: serverSchema.optional(),
  /** Your own copy of the storage price file (data/prices.json) for `plan --cost`. */
  prices: z.string().min(1).optional(),
});
export type ConfigFile = z.output<typeof configFileSchema>;

/** What env vars and flags may set: the same fields minus remotes (those only live in the file). */
export const overridesSchema = configFileSchema.omit({ remotes: true, notifications: true, server: true });
export type ConfigOverrides = z.output<typeof overridesSchema>;

export interface Defaults {
  readonly concurrency: number;
  /** Path template of destination files, e.g. `{yyyy}/{mm}/{filename}`. */
  readonly template: string;
  readonly retries: number;
  readonly logLevel: LogLevel;
}

/** The resolved configuration: absolute paths, every default filled in. */
export interface AppConfig {
  /** The config file that was read (or would be written by `remote add`), even when it does not exist yet. */
  readonly configPath: string;
  readonly catalog: string;
  readonly vault: string;
  readonly remotes: Readonly<Record<string, RemoteEntry>>;
  readonly defaults: Defaults;
  /** The price file `plan --cost` reads instead of the built-in one, when set. */
  readonly prices?: string;
}
