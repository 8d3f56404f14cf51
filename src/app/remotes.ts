/**
 * @module Named remotes like rclone's: add, list, show (secrets redacted), remove, resolve. Plain options go to
 * config.yaml, options the connector marks secret go to the vault with a `<vault>` placeholder left in the file.
 */
import type { z } from 'zod';
import { UsageError } from '../core/usage-error.ts';
import type { SecretStore } from '../sources/define.ts';
import { remoteNameSchema, VAULT_REF, vaultKeyOf, type RemoteEntry } from '../config/app-config.ts';
import { readConfigFile, saveRemote } from '../config/config-file.ts';
import { coerceOptionText, isSecretOption, resolveRemoteOptions } from '../config/remote-options.ts';
import { REDACTED, redactObject } from '../vault/redact.ts';

/** What remotes need of a source or destination definition; both kinds fit. */
export interface RemoteDefinition {
  readonly kind: string;
  readonly title: string;
  readonly options: z.ZodType;
}

export interface RemotesDeps {
  /** config.yaml, read afresh by every use case and edited in place. */
  readonly configPath: string;
  readonly definitions: readonly RemoteDefinition[];
  /** Opened only when a remote has secret options, since it may ask for the passphrase. */
  secrets(): Promise<SecretStore>;
}

/** Destinations first, then sources whose kind no destination already uses (e.g. `icloud`). */
export interface RemotesContext {
  readonly config: { readonly configPath: string };
  readonly destinations: readonly RemoteDefinition[];
  readonly sources: readonly RemoteDefinition[];
  secrets(): Promise<SecretStore>;
}

/** From the app context (structurally, so AppContext fits without this module depending on it). */
export function remotesDepsOf(ctx: RemotesContext): RemotesDeps {
  const kinds = new Set(ctx.destinations.map((d) => d.kind));
  return {
    configPath: ctx.config.configPath,
    definitions: [...ctx.destinations, ...ctx.sources.filter((s) => !kinds.has(s.kind))],
    secrets: () => ctx.secrets(),
  };
}

export interface AddRemoteRequest {
  readonly name: string;
  readonly type: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** Values are CLI text (`port=22`) to be turned into what the schema expects. */
  readonly fromText?: boolean;
  /** Overwrite an existing remote of that name instead of failing. */
  readonly replace?: boolean;
}

export interface RemoteSummary {
  readonly name: string;
  readonly type: string;
  /** The connector's title, or undefined when no connector of that type exists (e.g. after an upgrade). */
  readonly title: string | undefined;
}

export interface RemoteView extends RemoteSummary {
  /** Options as stored, secrets shown as `***`. Safe to print and to serialize. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ResolvedRemote {
  readonly name: string;
  readonly definition: RemoteDefinition;
  /** Parsed by the connector's schema, secrets included: never print this. */
  readonly options: unknown;
}

const remotesIn = (deps: RemotesDeps): Readonly<Record<string, RemoteEntry>> => readConfigFile(deps.configPath).remotes ?? {};
const findDefinition = (deps: RemotesDeps, type: string) => deps.definitions.find((d) => d.kind === type);
const secretKeysOf = (entry: RemoteEntry): string[] => Object.keys(entry).filter((k) => entry[k] === VAULT_REF);

function entryOf(deps: RemotesDeps, name: string): RemoteEntry {
  const entry = remotesIn(deps)[name];
  if (entry === undefined) throw new UsageError(`No remote named "${name}" (see "photoferry remote list").`);
  return entry;
}

/** Validates everything first (name, type, every option), then writes secrets to the vault, then config.yaml. */
export async function addRemote(deps: RemotesDeps, req: AddRemoteRequest): Promise<RemoteView> {
  const problems: string[] = [];
  const badName = remoteNameSchema.safeParse(req.name).error?.issues[0];
  if (badName !== undefined) problems.push(`name "${req.name}": ${badName.message}`);
  const definition = findDefinition(deps, req.type);
  if (definition === undefined) problems.push(`type: unknown type "${req.type}" (known: ${deps.definitions.map((d) => d.kind).join(', ')})`);
  const existing = remotesIn(deps)[req.name];
  if (existing !== undefined && req.replace !== true) problems.push(`${req.name}: a remote of that name exists (remove it first, or add it again with --replace)`);
  if (problems.length > 0 || definition === undefined) throw new UsageError(`Cannot add remote "${req.name}":`, problems);

  const raw = req.fromText === true ? coerceOptionText(definition.options, req.options) : { ...req.options };
  resolveRemoteOptions(definition, raw);
  const entry: Record<string, unknown> = { type: req.type };
  const secret: [string, unknown][] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (isSecretOption(definition.options, key)) {
      secret.push([key, value]);
      entry[key] = VAULT_REF;
    } else {
      entry[key] = value;
    }
  }
  const stale = existing === undefined ? [] : secretKeysOf(existing).filter((k) => entry[k] !== VAULT_REF);
  if (secret.length > 0 || stale.length > 0) {
    const store = await deps.secrets();
    for (const [key, value] of secret) await store.set(vaultKeyOf(req.name, key), typeof value === 'string' ? value : JSON.stringify(value));
    for (const key of stale) await store.delete(vaultKeyOf(req.name, key));
  }
  saveRemote(deps.configPath, req.name, entry as RemoteEntry);
  return showRemote(deps, req.name);
}

export async function listRemotes(deps: RemotesDeps): Promise<RemoteSummary[]> {
  return Object.entries(remotesIn(deps))
    .map(([name, entry]) => ({ name, type: entry.type, title: findDefinition(deps, entry.type)?.title }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Needs no passphrase: secrets are known by their placeholder and always shown as `***`. */
export async function showRemote(deps: RemotesDeps, name: string): Promise<RemoteView> {
  const { type, ...options } = entryOf(deps, name);
  const definition = findDefinition(deps, type);
  const shown = redactObject(options, definition?.options);
  for (const key of Object.keys(options)) if (options[key] === VAULT_REF) shown[key] = REDACTED;
  return { name, type, title: definition?.title, options: shown };
}

/** Removes the config entry first: secrets left behind by a failure are harmless, a remote without its secrets is not. */
export async function removeRemote(deps: RemotesDeps, name: string): Promise<void> {
  const entry = entryOf(deps, name);
  saveRemote(deps.configPath, name, undefined);
  const keys = secretKeysOf(entry);
  if (keys.length === 0) return;
  const store = await deps.secrets();
  for (const key of keys) await store.delete(vaultKeyOf(name, key));
}

/** A remote's options with its secrets filled in from the vault, checked by its connector's schema. */
export async function resolveRemote(deps: RemotesDeps, name: string): Promise<ResolvedRemote> {
  const { type, ...stored } = entryOf(deps, name);
  const definition = findDefinition(deps, type);
  if (definition === undefined) throw new UsageError(`Remote "${name}" has type "${type}", which this photoferry does not know.`);
  const keys = secretKeysOf(stored as RemoteEntry);
  const raw: Record<string, unknown> = { ...stored };
  if (keys.length > 0) {
    const store = await deps.secrets();
    for (const key of keys) {
      const value = await store.get(vaultKeyOf(name, key));
      if (value === undefined) throw new UsageError(`The vault has no "${key}" for remote "${name}": run "photoferry remote add ${name} --replace ...".`);
      raw[key] = value;
    }
  }
  return { name, definition, options: resolveRemoteOptions(definition, coerceOptionText(definition.options, raw)) };
}

/** Stores one secret option of an existing remote (e.g. a refresh token a sign-in obtained): vault first, then the placeholder. */
export async function storeRemoteSecret(deps: RemotesDeps, name: string, key: string, value: string): Promise<void> {
  const entry = entryOf(deps, name);
  await (await deps.secrets()).set(vaultKeyOf(name, key), value);
  if (entry[key] !== VAULT_REF) saveRemote(deps.configPath, name, { ...entry, [key]: VAULT_REF } as RemoteEntry);
}
