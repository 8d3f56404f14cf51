/** @module "Free up iCloud": the cost plan, the verified dry run, an explicit confirmation (type the Apple ID), live progress, the audit summary and undo. */
import { useEffect, useState } from 'preact/hooks';
import { get, post, enc, errorText } from '../../api/client.ts';
import type { Account } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { CheckField, SelectField, TextField } from '../../components/field.tsx';
import { ErrorNotice, Notice } from '../../components/notice.tsx';
import { CostView } from './cost-view.tsx';
import type { CostPlan, FreeUpRun, FreeUpSummary } from './types.ts';

export function FreeUpPage() {
  const accounts = useAsync(() => get<Account[]>('/api/accounts'));
  const [source, setSource] = useState('');
  const [olderThan, setOlderThan] = useState('2y');
  const [require, setRequire] = useState('');
  const [keepFavorites, setKeepFavorites] = useState(true);
  const [plan, setPlan] = useState<FreeUpSummary>();
  const [typed, setTyped] = useState('');
  const [runId, setRunId] = useState<string>();
  const [run, setRun] = useState<FreeUpRun>();
  const [poll, setPoll] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => { if (!source && accounts.value?.[0]) setSource(accounts.value[0].id); }, [accounts.value, source]);
  const cost = useAsync(() => (source ? get<CostPlan>(`/api/free-up/cost?source=${enc(source)}`) : Promise.resolve(undefined)), [source]);
  const account = accounts.value?.find((a) => a.id === source);
  const form = () => ({ source, olderThan, keepFavorites, ...(require.trim() ? { require: require.split(',').map((s) => s.trim()).filter(Boolean) } : {}) });

  useEffect(() => {
    if (runId === undefined) return undefined;
    let stop = false;
    const tick = async () => {
      try {
        const r = await get<FreeUpRun>(`/api/free-up/runs/${enc(runId)}`);
        if (!stop) setRun(r);
        if (!stop && !(r.live?.finished ?? true)) setTimeout(() => void tick(), 1000);
      } catch (err) { if (!stop) setError(errorText(err)); }
    };
    void tick();
    return () => { stop = true; };
  }, [runId, poll]);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true); setError(undefined);
    try { await fn(); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const dryRun = () => act(async () => { setPlan(await post<FreeUpSummary>('/api/free-up/plan', form())); });
  const execute = () => act(async () => { const r = await post<{ runId: string }>('/api/free-up/runs', { ...form(), appleId: typed }); setRunId(r.runId); });
  const undo = () => act(async () => { await post(`/api/free-up/runs/${enc(runId!)}/undo`); setPoll((n) => n + 1); });

  const last = run?.live?.last;
  return (
    <div class="page">
      <h1>Free up iCloud</h1>
      <div class="card row wrap">
        <SelectField label="iCloud account" value={source} onChange={setSource} testId="freeup-source"
          options={(accounts.value ?? []).map((a) => ({ value: a.id, label: a.appleId }))} />
      </div>
      <ErrorNotice error={error ?? cost.error ?? accounts.error} />
      {cost.value && <CostView plan={cost.value} />}
      <div class="card">
        <h2>What to remove from iCloud</h2>
        <div class="row wrap">
          <TextField label="Older than" value={olderThan} onInput={setOlderThan} testId="freeup-older-than" hint="e.g. 2y, 18m, 30d" />
          <TextField label="Verified on (destinations)" value={require} onInput={setRequire} testId="freeup-require" hint="comma-separated; empty = every destination holding a copy" />
          <CheckField label="Keep favorites" checked={keepFavorites} onChange={setKeepFavorites} testId="freeup-keep-favorites" />
        </div>
        <button type="button" onClick={() => void dryRun()} disabled={!source || busy} data-testid="freeup-plan">{busy && !plan ? 'Verifying copies…' : 'Plan (nothing is deleted)'}</button>
      </div>
      {plan && (
        <div class="card" data-testid="freeup-summary">
          <p class="totals"><strong>{formatCount(plan.remove.assets)}</strong> assets ({formatBytes(plan.remove.bytes)}) verified on every destination and would go;
            {' '}<strong>{formatCount(plan.kept.length)}</strong> kept.</p>
          {plan.kept.length > 0 && <ul data-testid="freeup-kept">{plan.kept.map((k) => <li key={k.asset}>{k.filename}: {k.reasons.join('; ')}</li>)}</ul>}
          <Notice kind="warn">Assets go to Recently Deleted in iCloud: recoverable for 30 days, or with Undo below.</Notice>
          <div class="row wrap">
            <TextField label={`Type the Apple ID (${account?.appleId ?? ''}) to confirm`} value={typed} onInput={setTyped} testId="freeup-confirm" />
            <button type="button" class="danger" disabled={busy || typed.trim().toLowerCase() !== (account?.appleId ?? '').toLowerCase() || plan.remove.assets === 0}
              onClick={() => void execute()} data-testid="freeup-execute">Move {formatCount(plan.remove.assets)} assets to Recently Deleted</button>
          </div>
        </div>
      )}
      {run && (
        <div class="card" data-testid="freeup-run">
          <h2>Run {run.runId}: {run.status}</h2>
          {last?.of !== undefined && <p>Checked {formatCount(last.done ?? 0)} of {formatCount(last.of)} · {formatCount(last.totalDeleted ?? 0)} in Recently Deleted ({formatBytes(last.totalBytes ?? 0)})</p>}
          {(run.live?.error ?? run.message) && <Notice kind={run.status === 'done' || run.status === 'undone' ? 'info' : 'error'} testId="freeup-run-message">{run.live?.error ?? run.message}</Notice>}
          <ul data-testid="freeup-audit">{Object.entries(run.byState).map(([state, t]) => <li key={state}>{state}: {formatCount(t.assets)} assets, {formatBytes(t.bytes)}</li>)}</ul>
          <button type="button" onClick={() => void undo()} disabled={busy || !(run.live?.finished ?? true)} data-testid="freeup-undo">Undo: bring them back</button>
        </div>
      )}
    </div>
  );
}
