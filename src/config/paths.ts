/** @module Where photoferry keeps its files by default: PHOTOFERRY_HOME, else the XDG base directories. */
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** An env var's value, with empty strings treated as unset (as shells make `VAR= cmd` easy to type). */
export const envValue = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};

function homeOf(env: Env): string {
  return envValue(env, 'HOME') ?? homedir();
}

/** `~/x` → `$HOME/x`; relative paths resolve against `base` (the config file's folder for file values). */
export function expandPath(path: string, env: Env, base: string = process.cwd()): string {
  if (path === '~') return homeOf(env);
  if (path.startsWith('~/')) return join(homeOf(env), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

export interface DefaultPaths {
  readonly config: string;
  readonly catalog: string;
  readonly vault: string;
}

/** PHOTOFERRY_HOME puts all three files in one folder (tests and portable installs); else XDG. */
export function defaultPaths(env: Env): DefaultPaths {
  const root = envValue(env, 'PHOTOFERRY_HOME');
  if (root !== undefined) {
    const dir = expandPath(root, env);
    return { config: join(dir, 'config.yaml'), catalog: join(dir, 'catalog.db'), vault: join(dir, 'vault.json') };
  }
  const configHome = expandPath(envValue(env, 'XDG_CONFIG_HOME') ?? '~/.config', env);
  const dataHome = expandPath(envValue(env, 'XDG_DATA_HOME') ?? '~/.local/share', env);
  return {
    config: join(configHome, 'photoferry', 'config.yaml'),
    catalog: join(dataHome, 'photoferry', 'catalog.db'),
    vault: join(configHome, 'photoferry', 'vault.json'),
  };
}

export const folderOf = (file: string): string => dirname(file);
