/** @module Saved destinations: Test, Verify (with its report), Edit (secrets kept unless re-entered), Restore from it, Remove (with a warning). */
import { useState } from 'preact/hooks';
import { del, get, post, enc, errorText } from '../../api/client.ts';
import type { Connector, Destination, TestAnswer, Usage } from '../../api/types.ts';
import { EditDestination } from './edit-destination.tsx';
import { VerifyPanel, RestorePanel } from './destination-checks.tsx';
import { usageWarning } from './usage.ts';
import { GoogleSignIn } from './google-sign-in.tsx';

type Result = { busy: true } | { busy: false; ok: boolean; message: string };
type Panel = 'edit' | 'verify' | 'restore' | null;

interface Props { destinations: Destination[]; connectors: Connector[]; onChanged: () => void }

export function DestinationList({ destinations, connectors, onChanged }: Props) {
  if (destinations.length === 0) return <p class="muted">No destination yet.</p>;
  return (
    <ul class="items" data-testid="destination-list">
      {destinations.map((d) => <DestinationRow key={d.name} d={d} all={destinations} connector={connectors.find((c) => c.kind === d.type)} onChanged={onChanged} />)}
    </ul>
  );
}

function DestinationRow({ d, all, connector, onChanged }: { d: Destination; all: Destination[]; connector: Connector | undefined; onChanged: () => void }) {
  const [result, setResult] = useState<Result>();
  const [panel, setPanel] = useState<Panel>(null);
  const test = async () => {
    setResult({ busy: true });
    try {
      const answer = await post<TestAnswer>(`/api/destinations/${enc(d.name)}/test`);
      setResult({ busy: false, ok: answer.ok, message: answer.ok ? 'Works: wrote, read back and removed a test file.' : answer.message ?? answer.code ?? 'Failed' });
    } catch (err) { setResult({ busy: false, ok: false, message: errorText(err) }); }
  };
  const remove = async () => {
    try {
      const usage = await get<Usage>(`/api/destinations/${enc(d.name)}/usage`);
      if (!confirm(`${usageWarning(usage, 'destination')}Remove destination ${d.name}? Files already copied stay where they are.`)) return;
      await del(`/api/destinations/${enc(d.name)}`);
      onChanged();
    } catch (err) { alert(errorText(err)); }
  };
  const toggle = (p: Panel) => setPanel((cur) => (cur === p ? null : p));
  return (
    <li class="item" data-testid="destination-row" data-name={d.name}>
      <div class="item-main">
        <strong>{d.name}</strong> <span class="muted">{d.title ?? d.type}</span>
        <div class="small"><code class="wrap-anywhere">{where(d)}</code></div>
        {result && !result.busy && (
          <div class={`small ${result.ok ? 'ok' : 'bad'}`} role="status" data-testid="destination-test-result" data-ok={String(result.ok)}>
            {result.ok ? '✓ ' : '✗ '}{result.message}
          </div>
        )}
        {result?.busy && <div role="status" class="small">testing…</div>}
      </div>
      <div class="row actions" role="group" aria-label={`Actions for ${d.name}`}>
        <button type="button" class="small" onClick={() => void test()} disabled={result?.busy} data-testid="destination-test">Test</button>
        {d.type === 'gphotos' && <GoogleSignIn name={d.name} />}
        <button type="button" class="secondary small" onClick={() => toggle('verify')} aria-expanded={panel === 'verify'} data-testid="destination-verify">Verify</button>
        <button type="button" class="secondary small" onClick={() => toggle('edit')} aria-expanded={panel === 'edit'} data-testid="destination-edit">Edit</button>
        <button type="button" class="secondary small" onClick={() => toggle('restore')} aria-expanded={panel === 'restore'} data-testid="destination-restore">Restore…</button>
        <button type="button" class="secondary small" onClick={() => void remove()} data-testid="destination-remove">Remove</button>
      </div>
      {panel === 'edit' && connector && <EditDestination d={d} connector={connector} onSaved={() => { setPanel(null); onChanged(); }} />}
      {panel === 'verify' && <VerifyPanel name={d.name} />}
      {panel === 'restore' && <RestorePanel from={d.name} targets={all.filter((x) => x.name !== d.name).map((x) => x.name)} />}
    </li>
  );
}

/** The one option that says where files go, whichever connector it is. */
function where(d: Destination): string {
  const o = d.options ?? {};
  const pick = ['path', 'bucket', 'remote', 'url', 'host'].find((k) => typeof o[k] === 'string' && o[k] !== '');
  return pick ? String(o[pick]) : '';
}
