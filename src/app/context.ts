/** @module Composition root: config → catalog, connector registries, secrets. The CLI and the server both start here. */
import { VAULT_REF, vaultKeyOf, type AppConfig } from '../config/app-config.ts';
import { UsageError } from '../core/usage-error.ts';
import { loadConfig, type ConfigFlags } from '../config/load-config.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { remoteNameOf } from './targets.ts';
import type { DestinationDefinition } from '../destinations/define.ts';
import type { SourceDefinition, SecretStore } from '../sources/define.ts';
import type { Logger } from '../connectors/context.ts';
import { silentLogger } from '../connectors/context.ts';

export interface AppContext {
  readonly config: AppConfig;
  /** Every persistent table, SQLite or PostgreSQL: nothing above catalog/ knows which. */
  readonly catalog: Catalog;
  readonly sources: readonly SourceDefinition[];
  readonly destinations: readonly DestinationDefinition[];
  readonly log: Logger;
  /** The vault, opened on first use (it may prompt for a passphrase). */
  secrets(): Promise<SecretStore>;
  /** Secret options of a named remote, from the vault. */
  remoteSecrets(remote: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface ContextOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags?: ConfigFlags;
  readonly log?: Logger;
  /** Opens the vault; the CLI passes one that can prompt for the passphrase. */
  readonly openSecrets?: (config: AppConfig) => Promise<SecretStore>;
  /**
   * Targets the command names (`myremote:path`, …) whose remotes' secrets may be read from the vault at once, while
   * the catalog opens. Only for a vault that opens without asking (PHOTOFERRY_PASSPHRASE set): a prompt must come
   * when its answer is needed, not ahead of the command's own output.
   */
  readonly unlockEarlyFor?: readonly string[];
}

export async function openContext(options: ContextOptions): Promise<AppContext> {
  const config = loadConfig({ configPath: options.flags?.config, env: options.env, ...(options.flags ? { flags: options.flags } : {}) });
  let secrets: Promise<SecretStore> | undefined;
  const openSecrets = () => {
    if (!options.openSecrets) throw new Error('no secret store configured');
    return (secrets ??= options.openSecrets(config));
  };
  const secretKeysOf = (remote: string) => Object.entries(config.remotes[remote] ?? {}).filter(([, v]) => v === VAULT_REF).map(([k]) => k);
  async function remoteSecrets(remote: string): Promise<Record<string, unknown>> {
    const secretKeys = secretKeysOf(remote);
    if (secretKeys.length === 0) return {};
    const store = await openSecrets();
    const out: Record<string, unknown> = {};
    for (const key of secretKeys) {
      const value = await store.get(vaultKeyOf(remote, key));
      if (value === undefined) throw new UsageError(`remote "${remote}": its ${key} is missing from the vault — set it again with "photoferry remote add ${remote} … --replace"`);
      out[key] = value;
    }
    return out;
  }
  // The vault's key derivation (scrypt, 0.1–0.2 s on a thread-pool thread) runs while the catalog opens, instead
  // of after it: a 12-file copy to S3 started ~0.2 s sooner. Its failures are ignored here; the remote's real read
  // meets them again and reports them.
  for (const spec of options.unlockEarlyFor ?? []) {
    const remote = remoteNameOf(spec);
    if (remote !== undefined && secretKeysOf(remote).length > 0) void remoteSecrets(remote).catch(() => undefined);
  }
  // Loaded after that start, so the derivation also overlaps loading the catalog's and connectors' code.
  const [{ openCatalog }, { destinationDefinitions }, { sourceDefinitions }] = await Promise.all([
    import('../catalog/open.ts'), import('../destinations/index.ts'), import('../sources/index.ts'),
  ]);
  const catalog = await openCatalog(config.catalog);
  return {
    config,
    catalog,
    sources: sourceDefinitions,
    destinations: destinationDefinitions,
    log: options.log ?? silentLogger,
    secrets: openSecrets,
    remoteSecrets,
    close: () => catalog.close(),
  };
}
