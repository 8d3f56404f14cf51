/** @module A coloured badge for a run or snapshot state, in words a user understands. */
const LABEL: Record<string, string> = {
  listing: 'Listing', running: 'Running', 'backing-off': 'Backing off', ok: 'Done', partial: 'Done with failures',
  failed: 'Failed', cancelled: 'Cancelled',
};

export function RunStatus({ status }: { status: string }) {
  return <span class={`badge badge-${status}`} data-testid="run-status" data-status={status}>{LABEL[status] ?? status}</span>;
}
