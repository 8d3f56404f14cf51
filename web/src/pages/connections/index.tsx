/** @module Connections page: iCloud accounts (sign in, 2FA code, session status) and destinations (schema form, Test). */
import { useState } from 'preact/hooks';
import { get } from '../../api/client.ts';
import type { Account, Connectors, Destination } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { ErrorNotice } from '../../components/notice.tsx';
import { IcloudConnect } from './icloud-connect.tsx';
import { AccountList } from './account-list.tsx';
import { DestinationList } from './destination-list.tsx';
import { AddDestination } from './add-destination.tsx';

export function ConnectionsPage() {
  // 0: what is saved (no Apple call); after "Check with Apple", ?check=1 asks Apple whether each session still works.
  const [checks, setChecks] = useState(0);
  const accounts = useAsync(() => get<Account[]>(checks > 0 ? '/api/accounts?check=1' : '/api/accounts'), [checks]);
  const destinations = useAsync(() => get<Destination[]>('/api/destinations'));
  const connectors = useAsync(() => get<Connectors>('/api/connectors'));
  const [again, setAgain] = useState<Account>();
  return (
    <div class="page">
      <h1>Connections</h1>
      <section class="card" aria-labelledby="icloud-h">
        <h2 id="icloud-h">iCloud Photos</h2>
        <ErrorNotice error={accounts.error} />
        <AccountList accounts={accounts.value ?? []} onChanged={accounts.reload} onSignInAgain={setAgain} />
        {(accounts.value?.length ?? 0) > 0 && (
          <button type="button" class="secondary small" onClick={() => setChecks((n) => n + 1)} disabled={accounts.loading} data-testid="accounts-check">
            {accounts.loading && checks > 0 ? 'Asking Apple…' : 'Check with Apple'}
          </button>
        )}
        <IcloudConnect onConnected={accounts.reload} again={again} />
      </section>
      <section class="card" aria-labelledby="dest-h">
        <h2 id="dest-h">Destinations</h2>
        <ErrorNotice error={destinations.error ?? connectors.error} />
        <DestinationList destinations={destinations.value ?? []} connectors={connectors.value?.destinations ?? []} onChanged={destinations.reload} />
        {connectors.value && <AddDestination connectors={connectors.value.destinations} onAdded={destinations.reload} />}
      </section>
    </div>
  );
}
