/** @module Turns "kind:rest", "remote:rest" or a bare path into a validated connector definition + options. */
import { UsageError } from '../core/usage-error.ts';
import type { RemoteEntry } from '../config/app-config.ts';
import { resolveRemoteOptions } from '../config/remote-options.ts';

export interface ConnectorDefinitionLike {
  readonly kind: string;
  readonly options: import('zod').ZodType;
  parseTarget(target: string): Record<string, unknown>;
  idOf(options: never): string;
}

export interface ResolvedTarget<D extends ConnectorDefinitionLike> {
  readonly definition: D;
  readonly options: unknown;
  readonly id: string;
  /** What the user typed, for messages. */
  readonly spec: string;
}

const KIND_PREFIX = /^([A-Za-z][A-Za-z0-9_.@-]*):(.*)$/s;
/** The `name` of a `name:rest` target (a connector kind or a remote; the caller tells which), else undefined. */
export const remoteNameOf = (spec: string): string | undefined => KIND_PREFIX.exec(spec)?.[1];
/** rclone's `remote,option=value:path`: not ours, and read as a bare path it would write into a folder named so. */
const CONNECTION_STRING = /^([A-Za-z][A-Za-z0-9_.@-]*),[A-Za-z_]+=[^/]*:/;

/**
 * `local:/x`, `s3:bucket/prefix`, `myremote:sub/path` (a named remote from config.yaml, its secrets from
 * the vault via `secretsOf`) or a bare filesystem path (`./backup`, `/mnt/nas`) for `bare`.
 */
export async function resolveTarget<D extends ConnectorDefinitionLike>(
  spec: string,
  role: 'source' | 'destination',
  definitions: readonly D[],
  remotes: Readonly<Record<string, RemoteEntry>>,
  secretsOf: (remote: string) => Promise<Record<string, unknown>>,
  bare: string,
): Promise<ResolvedTarget<D>> {
  const inline = CONNECTION_STRING.exec(spec);
  if (inline) {
    throw new UsageError(`"${spec}" has options in it (rclone's "name,option=value:" form), which photoferry does not read: keep them in a remote, e.g. "photoferry remote add NAME ${inline[1]} option=value", and use "NAME:path"`);
  }
  const match = KIND_PREFIX.exec(spec);
  const find = (kind: string) => definitions.find((d) => d.kind === kind);
  let definition: D | undefined;
  let raw: Record<string, unknown>;
  if (!match) {
    definition = find(bare);
    raw = definition ? definition.parseTarget(spec) : {};
  } else {
    const [, name, rest] = match as unknown as [string, string, string];
    const remote = remotes[name];
    if (remote) {
      definition = find(remote.type);
      if (!definition) throw new UsageError(`remote "${name}" has type "${remote.type}", which is not a ${role} type (${definitions.map((d) => d.kind).join(', ')})`);
      const { type: _type, ...stored } = remote;
      raw = { ...stored, ...(await secretsOf(name)), ...(rest ? definition.parseTarget(rest) : {}) };
    } else {
      definition = find(name);
      if (!definition) {
        const known = [...definitions.map((d) => `${d.kind}:`), ...Object.keys(remotes).map((r) => `${r}: (remote)`)];
        throw new UsageError(`unknown ${role} "${name}:" in "${spec}" — use one of ${known.join(', ')}, or add a remote with "photoferry remote add ${name} --type …"`);
      }
      raw = definition.parseTarget(rest);
    }
  }
  if (!definition) throw new UsageError(`cannot tell what kind of ${role} "${spec}" is`);
  const options = resolveRemoteOptions(definition, raw);
  return { definition, options, id: definition.idOf(options as never), spec };
}
