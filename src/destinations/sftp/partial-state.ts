/** @module Resume bookkeeping in ctx.state: which hidden temp file holds how many acknowledged bytes of an upload. */
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
  readonly temp: string;
  /** Length of the prefix the server acknowledged (writes after it may have failed, so not the file size). */
  readonly offset: number;
}

export const STATE_PREFIX = 'sftp/partial/';
const keyOf = (k: PartialKey) => `${STATE_PREFIX}${k.host}:${k.port}${k.target}#${k.size}${k.sha256 ? `#${k.sha256}` : ''}`;

export const savePartial = (state: ConnectorState, key: PartialKey, partial: Partial): Promise<void> =>
  state.set(keyOf(key), partial);

export const forgetPartial = (state: ConnectorState, key: PartialKey): Promise<void> => state.delete(keyOf(key));

/** The saved partial when its temp file still holds at least the acknowledged bytes; otherwise forgets it. */
export async function loadPartial(state: ConnectorState, key: PartialKey, s: Session): Promise<Partial | undefined> {
  const saved = await state.get<Partial>(keyOf(key));
  if (!saved) return undefined;
  const size = await s.stat(saved.temp).then((st) => st.size, () => -1);
  if (size < saved.offset || saved.offset > key.size) {
    await forgetPartial(state, key);
    return undefined;
  }
  return saved;
}
