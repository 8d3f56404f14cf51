/** @module Connected iCloud accounts: state, days until a new 2FA code is due, and Remove. */
import { del, enc, errorText } from '../../api/client.ts';
import type { Account } from '../../api/types.ts';

const STATE_LABEL: Record<string, string> = {
  'signed-in': 'Signed in', 'needs-code': 'Waiting for code', 'needs-approval': 'Waiting for approval on your iPhone', failed: 'Failed', expired: 'Session expired: sign in again',
};

function days(a: Account): string {
  if (a.state !== 'signed-in' || a.daysLeft === undefined) return '';
  const age = a.trustAgeDays === undefined ? '' : `2FA trust ${a.trustAgeDays} day${a.trustAgeDays === 1 ? '' : 's'} old, `;
  return age + (a.daysLeft <= 0 ? 'new code due now' : `new code due in ${a.daysLeft} day${a.daysLeft === 1 ? '' : 's'}`);
}

export function AccountList({ accounts, onChanged }: { accounts: Account[]; onChanged: () => void }) {
  if (accounts.length === 0) return <p class="muted">No iCloud account yet.</p>;
  const remove = async (a: Account) => {
    if (!confirm(`Forget ${a.appleId}? Its session and password are deleted from this machine.`)) return;
    try { await del(`/api/accounts/${enc(a.id)}`); onChanged(); } catch (err) { alert(errorText(err)); }
  };
  return (
    <table class="list" data-testid="account-list">
      <thead><tr><th>Apple ID</th><th>Source id</th><th>Status</th><th>Re-authentication</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        {accounts.map((a) => (
          <tr key={a.id} data-testid="account-row" data-state={a.state}>
            <td>{a.appleId}</td>
            <td><code>{a.id}</code></td>
            <td><span class={`badge badge-${a.state}`}>{STATE_LABEL[a.state] ?? a.state}</span>
              {a.message && <div class="muted small">{a.message}</div>}</td>
            <td data-testid="account-days">{days(a)}{a.trusted ? ' · trusted browser' : ''}</td>
            <td><button type="button" class="secondary small" onClick={() => void remove(a)}>Remove</button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
