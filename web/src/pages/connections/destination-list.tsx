/** @module Saved destinations with a Test button each (writes, reads back and removes a marker file) and Remove. */
import { useState } from 'preact/hooks';
import { del, post, enc, errorText } from '../../api/client.ts';
import type { Destination, TestAnswer } from '../../api/types.ts';

type Result = { busy: true } | { busy: false; ok: boolean; message: string };

export function DestinationList({ destinations, onChanged }: { destinations: Destination[]; onChanged: () => void }) {
  const [results, setResults] = useState<Record<string, Result>>({});
  if (destinations.length === 0) return <p class="muted">No destination yet.</p>;
  const test = async (name: string) => {
    setResults((r) => ({ ...r, [name]: { busy: true } }));
    let result: Result;
    try {
      const answer = await post<TestAnswer>(`/api/destinations/${enc(name)}/test`);
      result = { busy: false, ok: answer.ok, message: answer.ok ? 'Works: wrote, read back and removed a test file.' : answer.message ?? answer.code ?? 'Failed' };
    } catch (err) { result = { busy: false, ok: false, message: errorText(err) }; }
    setResults((r) => ({ ...r, [name]: result }));
  };
  const remove = async (name: string) => {
    if (!confirm(`Remove destination ${name}? Files already copied stay where they are.`)) return;
    try { await del(`/api/destinations/${enc(name)}`); onChanged(); } catch (err) { alert(errorText(err)); }
  };
  return (
    <table class="list" data-testid="destination-list">
      <thead><tr><th>Name</th><th>Type</th><th>Where</th><th>Test</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        {destinations.map((d) => {
          const r = results[d.name];
          return (
            <tr key={d.name} data-testid="destination-row" data-name={d.name}>
              <td>{d.name}</td>
              <td>{d.title ?? d.type}</td>
              <td class="small"><code>{where(d)}</code></td>
              <td>
                <button type="button" class="small" onClick={() => void test(d.name)} disabled={r?.busy} data-testid="destination-test">Test</button>
                {r && !r.busy && (
                  <span class={r.ok ? 'ok' : 'bad'} role="status" data-testid="destination-test-result" data-ok={String(r.ok)}>
                    {r.ok ? ' ✓ ' : ' ✗ '}{r.message}
                  </span>
                )}
                {r?.busy && <span role="status"> testing…</span>}
              </td>
              <td><button type="button" class="secondary small" onClick={() => void remove(d.name)}>Remove</button></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The one option that says where files go, whichever connector it is. */
function where(d: Destination): string {
  const o = d.options ?? {};
  const pick = ['path', 'bucket', 'remote', 'url', 'host'].find((k) => typeof o[k] === 'string' && o[k] !== '');
  return pick ? String(o[pick]) : '';
}
