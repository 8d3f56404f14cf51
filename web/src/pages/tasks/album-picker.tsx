/** @module Whole library, or chosen albums from the catalog's album list (refreshable when the source was never listed). */
import { useState } from 'preact/hooks';
import { get, post, enc, errorText } from '../../api/client.ts';
import type { LibraryStats } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { ErrorNotice } from '../../components/notice.tsx';

interface Props { source: string; albums: string[] | undefined; onChange: (albums: string[] | undefined) => void }

export function AlbumPicker({ source, albums, onChange }: Props) {
  const stats = useAsync(() => (source ? get<LibraryStats>(`/api/library?source=${enc(source)}`) : Promise.resolve(undefined)), [source]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const chosen = albums !== undefined;
  const refresh = async () => {
    setBusy(true); setError(undefined);
    try { await post('/api/library/refresh', { source }); stats.reload(); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const list = stats.value?.albums ?? [];
  const toggle = (path: string, on: boolean) => {
    const set = new Set(albums ?? []);
    if (on) set.add(path); else set.delete(path);
    onChange([...set]);
  };
  return (
    <fieldset data-testid="album-picker">
      <legend>What to copy</legend>
      <div class="row wrap">
        <label class="check"><input type="radio" name="scope" checked={!chosen} onChange={() => onChange(undefined)} data-testid="scope-all" /> Whole library</label>
        <label class="check"><input type="radio" name="scope" checked={chosen} onChange={() => onChange([])} data-testid="scope-albums" /> Chosen albums</label>
      </div>
      {chosen && (
        <div class="albums">
          {list.length === 0 && <p class="muted">No albums known for this source yet.</p>}
          {list.map((a) => {
            const path = a.path.join('/');
            const count = stats.value?.byAlbum[path]?.assets;
            return (
              <label class="check" key={a.id}>
                <input type="checkbox" checked={albums.includes(path)} onChange={(e) => toggle(path, (e.currentTarget as HTMLInputElement).checked)}
                  data-testid="album-option" data-album={path} />
                {' '}{path}{a.kind !== 'user' && <span class="badge">{a.kind}</span>}
                {count !== undefined && <span class="muted small"> ({count})</span>}
              </label>
            );
          })}
          <button type="button" class="secondary small" onClick={() => void refresh()} disabled={!source || busy} data-testid="albums-refresh">
            {busy ? 'Listing the library…' : 'Refresh album list'}
          </button>
          <ErrorNotice error={error ?? stats.error} />
        </div>
      )}
    </fieldset>
  );
}
