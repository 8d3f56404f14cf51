/** @module A coloured badge for a run or snapshot state, in words a user understands; red for anything that needs the user. */
import type { RunView } from '../../api/types.ts';

const LABEL: Record<string, string> = {
  listing: 'Listing', running: 'Running', 'backing-off': 'Backing off', ok: 'Done', partial: 'Done with failures',
  failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted', paused: 'Paused',
  'needs-sign-in': 'Needs sign-in', 'destination-unreachable': 'Destination unreachable',
};

/** The one place that turns a run record into what its badge says: a failure's reason outranks the bare "failed". */
export function runState(run: Pick<RunView, 'status' | 'error'>): string {
  if (run.status === 'failed' && run.error?.code === 'auth-required') return 'needs-sign-in';
  if (run.status === 'failed' && run.error?.code === 'destination-unreachable') return 'destination-unreachable';
  return run.status;
}

export function RunStatus({ status }: { status: string }) {
  return <span class={`badge badge-${status}`} data-testid="run-status" data-status={status}>{LABEL[status] ?? status}</span>;
}
