/**
 * @module A context whose remotes are read afresh from config.yaml: the server adds accounts and destinations while
 * it runs, and AppContext reads config.yaml once at start (openSource/openDestination look remotes up there).
 */
import { VAULT_REF, vaultKeyOf } from '../config/app-config.ts';
import { readConfigFile } from '../config/config-file.ts';
import { UsageError } from '../core/usage-error.ts';
import type { AppContext } from './context.ts';

export function withFreshRemotes(ctx: AppContext): AppContext {
  const remotes = readConfigFile(ctx.config.configPath).remotes ?? {};
  return {
    ...ctx,
    config: { ...ctx.config, remotes },
    // Same lookup as openContext's, over the fresh remotes.
    async remoteSecrets(remote) {
      const keys = Object.entries(remotes[remote] ?? {}).filter(([, v]) => v === VAULT_REF).map(([k]) => k);
      if (keys.length === 0) return {};
      const store = await ctx.secrets();
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const value = await store.get(vaultKeyOf(remote, key));
        if (value === undefined) throw new UsageError(`remote "${remote}": its ${key} is missing from the vault — add it again`);
        out[key] = value;
      }
      return out;
    },
  };
}
