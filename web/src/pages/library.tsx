/** @module Library page: what the catalog knows of a source, by year, type and album, to decide what to archive; what each photo service holds of it. */
import { useEffect, useState } from 'preact/hooks';
import { get, post, enc, errorText } from '../api/client.ts';
import type { Account, LibraryStats, RefreshAnswer } from '../api/types.ts';
import { useAsync } from '../lib/use-async.ts';
import { formatBytes, formatCount, formatDate } from '../lib/format.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { SelectField } from '../components/field.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { LibraryServices } from './library-services.tsx';

export function LibraryPage() {
  const accounts = useAsync(() => get<Account[]>('/api/accounts'));
  const [source, setSource] = useState('');
  const [by, setBy] = useState<'assets' | 'bytes'>('assets');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => { if (!source && accounts.value?.[0]) setSource(accounts.value[0].id); }, [accounts.value, source]);
  const stats = useAsync(() => (source ? get<LibraryStats>(`/api/library?source=${enc(source)}`) : Promise.resolve(undefined)), [source]);

  const refresh = async () => {
    setBusy(true); setError(undefined); setNote(undefined);
    try {
      const r = await post<RefreshAnswer>('/api/library/refresh', { source });
      setNote(`Listed ${formatCount(r.upserts)} new or changed assets and ${formatCount(r.deletions)} deletions.`);
      stats.reload();
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };

  const s = stats.value;
  return (
    <div class="page">
      <h1>Library</h1>
      <div class="card row wrap">
        <SelectField label="Source" value={source} onChange={setSource} testId="library-source"
          options={(accounts.value ?? []).map((a) => ({ value: a.id, label: a.appleId }))} />
        <SelectField label="Measure" value={by} onChange={(v) => setBy(v === 'bytes' ? 'bytes' : 'assets')} testId="library-measure"
          options={[{ value: 'assets', label: 'Assets' }, { value: 'bytes', label: 'Bytes' }]} />
        <button type="button" onClick={() => void refresh()} disabled={!source || busy} data-testid="library-refresh">
          {busy ? 'Listing…' : 'Refresh from source'}
        </button>
      </div>
      {accounts.value?.length === 0 && <Notice kind="info">Connect an iCloud account on the <a href="#/connections">Connections</a> page first.</Notice>}
      <ErrorNotice error={error ?? stats.error ?? accounts.error} />
      {note && <Notice kind="ok">{note}</Notice>}
      {s && (
        <>
          <p class="totals" data-testid="library-totals">
            <strong>{formatCount(s.assets)}</strong> assets · <strong>{formatBytes(s.bytes)}</strong> · listed {formatDate(s.refreshedAt)}
          </p>
          {s.refreshedAt === null && <Notice kind="info">Nothing listed yet: press “Refresh from source”.</Notice>}
          <LibraryServices services={s.services} />
          <div class="charts">
            <BarChart title="By year" data={s.byYear} by={by} sort="key" testId="chart-year" />
            <BarChart title="By type" data={s.byType} by={by} testId="chart-type" />
            <BarChart title="By album" data={s.byAlbum} by={by} testId="chart-album" />
          </div>
        </>
      )}
    </div>
  );
}
