/** @module The library page's photo services: per Immich / Google Photos destination, assets and albums there and verified. */
import type { ServiceCopies } from '../api/types.ts';
import { formatCount } from '../lib/format.ts';
import { Notice } from '../components/notice.tsx';

/** "12", or "9 of 12" when some are not verified; "unverifiable" when the service cannot be checked at all. */
function Verified({ value, of, testId }: { value: number | undefined; of: number; testId: string }) {
  if (value === undefined) return <td data-testid={testId} class="muted">unverifiable</td>;
  return <td data-testid={testId}>{formatCount(value)}{value < of && <span class="muted"> of {formatCount(of)}</span>}</td>;
}

export function LibraryServices({ services }: { services: readonly ServiceCopies[] }) {
  if (services.length === 0) return null;
  const unverifiable = services.filter((s) => s.verified === null).map((s) => s.name);
  return (
    <div class="table-scroll">
      <table class="list" data-testid="library-services">
        <caption>Photo services</caption>
        <thead><tr><th>Destination</th><th>Assets there</th><th>Verified</th><th>Albums there</th><th>Albums verified</th></tr></thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.name} data-testid={`service-${s.name}`}>
              <td title={s.destinationId}>{s.name} <span class="muted">({s.kind})</span></td>
              <td data-testid="service-assets">{formatCount(s.assets)}</td>
              <Verified value={s.verified?.assets} of={s.assets} testId="service-verified" />
              <td data-testid="service-albums">{formatCount(s.albums)}</td>
              <Verified value={s.verified?.albums} of={s.albums} testId="service-albums-verified" />
            </tr>
          ))}
        </tbody>
      </table>
      {unverifiable.length > 0 && (
        <Notice kind="info" testId="services-unverifiable">
          Copies at {unverifiable.join(', ')} are unverifiable: the service gives nothing back to compare with the
          originals, so they never count as a verified backup.
        </Notice>
      )}
    </div>
  );
}
