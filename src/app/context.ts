/** @module Composition root: config → catalog, connector registries, secrets. The CLI and the server both start here. */
import { VAULT_REF, vaultKeyOf, type AppConfig } from '../config/app-config.ts';
import { UsageError } from '../core/usage-error.ts';
import { loadConfig, type ConfigFlags } from '../config/load-config.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { openCatalog } from '../catalog/open.ts';
import { destinationDefinitions } from '../destinations/index.ts';
import type { DestinationDefinition } from '../destinations/define.ts';
import { sourceDefinitions } from '../sources/index.ts';
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
}

export async function openContext(options: ContextOptions): Promise<AppContext> {
  const config = loadConfig({ configPath: options.flags?.config, env: options.env, ...(options.flags ? { flags: options.flags } : {}) });
  const catalog = await openCatalog(config.catalog);
  let secrets: Promise<SecretStore> | undefined;
  const openSecrets = () => {
    if (!options.openSecrets) throw new Error('no secret store configured');
    return (secrets ??= options.openSecrets(config));
  };
  return {
    config,
    catalog,
    sources: sourceDefinitions,
    destinations: destinationDefinitions,
    log: options.log ?? silentLogger,
    secrets: openSecrets,
    async remoteSecrets(remote) {
      const entry = config.remotes[remote];
      const secretKeys = Object.entries(entry ?? {}).filter(([, v]) => v === VAULT_REF).map(([k]) => k);
      if (secretKeys.length === 0) return {};
      const store = await openSecrets();
      const out: Record<string, unknown> = {};
      for (const key of secretKeys) {
        const value = await store.get(vaultKeyOf(remote, key));
        if (value === undefined) throw new UsageError(`remote "${remote}": its ${key} is missing from the vault — set it again with "photoferry remote add ${remote} … --replace"`);
        out[key] = value;
      }
      return out;
    },
    close: () => catalog.close(),
  };
}
