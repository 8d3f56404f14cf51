/** @module loadConfig: config file + PHOTOFERRY_* env + flags → AppConfig, or one UsageError listing every problem. */
import { UsageError } from '../core/usage-error.ts';
import { DEFAULTS, overridesSchema, type AppConfig, type ConfigFile, type ConfigOverrides } from './app-config.ts';
import { readConfigFileLenient } from './config-file.ts';
import { dottedPath, problemsOf, type PathNamer } from './issues.ts';
import { defaultPaths, envValue, expandPath, folderOf, type Env } from './paths.ts';

/** Global CLI flags that override config; numbers may arrive as strings from the argument parser. */
export interface ConfigFlags {
  readonly config?: string | undefined;
  readonly catalog?: string | undefined;
  readonly vault?: string | undefined;
  readonly concurrency?: number | string | undefined;
  readonly template?: string | undefined;
  readonly retries?: number | string | undefined;
  readonly logLevel?: string | undefined;
}

export interface LoadConfigInput {
  /** Explicit config file (same as `--config`); a missing explicit file is an error, a missing default one is not. */
  readonly configPath?: string | undefined;
  readonly env: Env;
  readonly flags?: ConfigFlags;
}

/** Each overridable setting, by its place in the file, its env var and its flag. */
const SETTINGS = [
  { path: 'catalog', env: 'PHOTOFERRY_CATALOG', flag: '--catalog', key: 'catalog' },
  { path: 'vault', env: 'PHOTOFERRY_VAULT', flag: '--vault', key: 'vault' },
  { path: 'defaults.concurrency', env: 'PHOTOFERRY_CONCURRENCY', flag: '--concurrency', key: 'concurrency' },
  { path: 'defaults.template', env: 'PHOTOFERRY_TEMPLATE', flag: '--template', key: 'template' },
  { path: 'defaults.retries', env: 'PHOTOFERRY_RETRIES', flag: '--retries', key: 'retries' },
  { path: 'defaults.logLevel', env: 'PHOTOFERRY_LOG_LEVEL', flag: '--log-level', key: 'logLevel' },
] as const;

/** Env vars and flags are text; whole numbers become numbers so the schema's "expected a whole number" stays meaningful. */
const numeric = (v: unknown): unknown => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v);

function layer(read: (s: (typeof SETTINGS)[number]) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const defaults: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const value = numeric(read(s));
    if (value === undefined) continue;
    if (s.path.startsWith('defaults.')) defaults[s.path.slice('defaults.'.length)] = value;
    else out[s.path] = value;
  }
  if (Object.keys(defaults).length > 0) out['defaults'] = defaults;
  return out;
}

const namer = (field: 'env' | 'flag'): PathNamer => (path) => {
  const dotted = dottedPath(path);
  return SETTINGS.find((s) => s.path === dotted)?.[field] ?? dotted;
};

function parseOverrides(raw: Record<string, unknown>, name: PathNamer, problems: string[]): ConfigOverrides {
  const parsed = overridesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  problems.push(...problemsOf(parsed.error, name));
  return {};
}

export function loadConfig(input: LoadConfigInput): AppConfig {
  const { env } = input;
  const flags = input.flags ?? {};
  const paths = defaultPaths(env);
  const explicit = input.configPath ?? flags.config ?? envValue(env, 'PHOTOFERRY_CONFIG');
  const configPath = explicit === undefined ? paths.config : expandPath(explicit, env);

  const problems: string[] = [];
  const read = readConfigFileLenient(configPath, explicit !== undefined);
  problems.push(...read.problems);
  // PHOTOFERRY_CATALOG_URL is the name deployments with a shared PostgreSQL catalog expect; it wins over the older name.
  const fromEnv = parseOverrides(layer((s) => (s.key === 'catalog' ? envValue(env, 'PHOTOFERRY_CATALOG_URL') : undefined) ?? envValue(env, s.env)), namer('env'), problems);
  const fromFlags = parseOverrides(layer((s) => flags[s.key]), namer('flag'), problems);
  if (problems.length > 0) throw new UsageError(`Invalid configuration (config file: ${configPath}):`, problems);

  return merge(configPath, paths, read.file, fromEnv, fromFlags, env);
}

/** Drops keys whose value is undefined so a spread never overwrites a default with nothing. */
function defined<T extends object>(obj: T | undefined): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj ?? {}).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** flags > env > file > built-in defaults. File paths are relative to the file's folder, others to the cwd. */
function merge(
  configPath: string, paths: { catalog: string; vault: string }, file: ConfigFile,
  fromEnv: ConfigOverrides, fromFlags: ConfigOverrides, env: Env,
): AppConfig {
  const pathOf = (key: 'catalog' | 'vault'): string => {
    const override = fromFlags[key] ?? fromEnv[key];
    // A database URL (postgres://…) is a location, not a file: it is not resolved against any folder.
    const url = override ?? file[key];
    if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
    if (override !== undefined) return expandPath(override, env);
    const inFile = file[key];
    return inFile === undefined ? paths[key] : expandPath(inFile, env, folderOf(configPath));
  };
  return {
    configPath,
    catalog: pathOf('catalog'),
    vault: pathOf('vault'),
    remotes: file.remotes ?? {},
    ...(file.prices === undefined ? {} : { prices: expandPath(file.prices, env, folderOf(configPath)) }),
    defaults: { ...DEFAULTS, ...defined(file.defaults), ...defined(fromEnv.defaults), ...defined(fromFlags.defaults) },
  };
}
