/** @module Connected iCloud accounts: the real session state (a run Apple refused says "sign in again"), days until a new code, Remove. */
import { del, get, enc, errorText } from '../../api/client.ts';
import type { Account, Usage } from '../../api/types.ts';
import { usageWarning } from './usage.ts';

const STATE_LABEL: Record<string, string> = {
  'signed-in': 'Signed in', 'needs-code': 'Waiting for code', 'needs-approval': 'Waiting for approval on your iPhone', failed: 'Failed', expired: 'Session expired: sign in again',
};

function days(a: Account): string {
  if (a.state !== 'signed-in' || a.daysLeft === undefined) return '';
  const age = a.trustAgeDays === undefined ? '' : `2FA trust ${a.trustAgeDays} day${a.trustAgeDays === 1 ? '' : 's'} old, `;
  return age + (a.daysLeft <= 0 ? 'new code due now' : `new code due in ${a.daysLeft} day${a.daysLeft === 1 ? '' : 's'}`);
}

interface Props { accounts: Account[]; onChanged: () => void; onSignInAgain: (a: Account) => void }

export function AccountList({ accounts, onChanged, onSignInAgain }: Props) {
  if (accounts.length === 0) return <p class="muted">No iCloud account yet.</p>;
  const remove = async (a: Account) => {
    try {
      const usage = await get<Usage>(`/api/accounts/${enc(a.id)}/usage`);
      if (!confirm(`${usageWarning(usage, 'source')}Forget ${a.appleId}? Its session and password are deleted from this machine.`)) return;
      await del(`/api/accounts/${enc(a.id)}`);
      onChanged();
    } catch (err) { alert(errorText(err)); }
  };
  return (
    <ul class="items" data-testid="account-list">
      {accounts.map((a) => (
        <li key={a.id} class="item" data-testid="account-row" data-state={a.state}>
          <div class="item-main">
            <strong>{a.appleId}</strong> <span class={`badge badge-${a.state}`} data-testid="account-state">{STATE_LABEL[a.state] ?? a.state}</span>
            <div class="muted small"><code>{a.id}</code>{days(a) && ` · ${days(a)}`}{a.trusted ? ' · trusted browser' : ''}</div>
            {a.message && <div class={`small ${a.state === 'signed-in' ? 'muted' : 'bad'}`} data-testid="account-message">{a.message}</div>}
          </div>
          <div class="row actions">
            {a.state !== 'signed-in' && <button type="button" class="small" onClick={() => onSignInAgain(a)} data-testid="account-signin-again">Sign in again</button>}
            <button type="button" class="secondary small" onClick={() => void remove(a)} aria-label={`Remove ${a.appleId}`}>Remove</button>
          </div>
        </li>
      ))}
    </ul>
  );
}
