/** @module Resume bookkeeping in ctx.state: which file on the server holds how many acknowledged bytes of an upload. */
import type { ConnectorState } from '../../connectors/context.ts';
import type { Session } from './session.ts';

export interface PartialKey {
  readonly host: string;
  readonly port: number;
  readonly target: string;
  readonly size: number;
  /** When known, a different file of the same size at the same path never resumes this one. */
  readonly sha256?: string;
}

export interface Partial {
  /** The file holding the bytes: a hidden temp name, or the target itself when that is a staging name. */
  readonly temp: string;
  /** Length of the prefix the server acknowledged (writes after it may have failed, so not the file size). */
  readonly offset: number;
}

export interface Partials {
  /** The saved partial when its file still holds at least the acknowledged bytes; otherwise forgets it. */
  load(key: PartialKey, s: Session): Promise<Partial | undefined>;
  save(key: PartialKey, partial: Partial): Promise<void>;
  forget(key: PartialKey): Promise<void>;
}

export const STATE_PREFIX = 'sftp/partial/';
const keyOf = (k: PartialKey) => `${STATE_PREFIX}${k.host}:${k.port}${k.target}#${k.size}${k.sha256 ? `#${k.sha256}` : ''}`;

/**
 * Partials kept in `state`. The keys are read once per store, so the uploads that never saved a partial
 * (nearly all of them) cost no catalog query: 10k small files made 20k of them.
 */
export function createPartials(state: ConnectorState): Partials {
  let known: Promise<Set<string>> | undefined;
  const keys = () => {
    known ??= state.keys(STATE_PREFIX).then((k) => new Set(k));
    known.catch(() => { known = undefined; });
    return known;
  };
  const forget = async (key: PartialKey) => {
    const k = keyOf(key);
    const set = await keys();
    if (!set.delete(k)) return;
    await state.delete(k);
  };
  return {
    async load(key, s) {
      const k = keyOf(key);
      if (!(await keys()).has(k)) return undefined;
      const saved = await state.get<Partial>(k);
      if (!saved) return undefined;
      const size = await s.stat(saved.temp).then((st) => st.size, () => -1);
      if (size < saved.offset || saved.offset > key.size) {
        await forget(key);
        return undefined;
      }
      return saved;
    },
    async save(key, partial) {
      (await keys()).add(keyOf(key));
      await state.set(keyOf(key), partial);
    },
    forget,
  };
}
