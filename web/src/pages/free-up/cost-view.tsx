/** @module The cost plan as tables: library by year and type, iCloud tier today and after freeing each year, monthly costs elsewhere. */
import { formatBytes, formatCount } from '../../lib/format.ts';
import type { CostPlan } from './types.ts';

export const money = (n: number, currency: string) => `${currency === 'USD' ? '$' : `${currency} `}${n.toFixed(2)}`;

export function CostView({ plan }: { plan: CostPlan }) {
  const m = (n: number) => money(n, plan.currency);
  const years = Object.keys(plan.library.byYear).sort();
  return (
    <div class="card" data-testid="cost-plan">
      <p class="totals" data-testid="cost-library">
        <strong>{formatCount(plan.library.assets)}</strong> assets · <strong>{formatBytes(plan.library.bytes)}</strong> ·
        iCloud today: <strong data-testid="cost-today">{plan.today.tier}</strong> (<span data-testid="cost-today-monthly">{m(plan.today.monthly)}</span>/month)
      </p>
      <div class="charts">
        <table data-testid="cost-by-year">
          <caption>Library by year and type</caption>
          <thead><tr><th>Year</th><th>Type</th><th>Assets</th><th>Size</th></tr></thead>
          <tbody>{years.flatMap((y) => Object.entries(plan.library.byYear[y]!).sort(([a], [b]) => a.localeCompare(b)).map(([type, t]) => (
            <tr key={`${y}-${type}`}><td>{y}</td><td>{type}</td><td>{formatCount(t.assets)}</td><td>{formatBytes(t.bytes)}</td></tr>)))}</tbody>
        </table>
        <table data-testid="cost-after">
          <caption>After freeing every year up to</caption>
          <thead><tr><th>Through</th><th>Left in iCloud</th><th>Tier</th><th>Per month</th></tr></thead>
          <tbody>{plan.afterFreeing.map((a) => (
            <tr key={a.throughYear}><td>{a.throughYear}</td><td>{formatBytes(a.remainingBytes)}</td><td>{a.tier}</td><td data-testid={`cost-after-${a.throughYear}`}>{m(a.monthly)}</td></tr>))}</tbody>
        </table>
        <table data-testid="cost-options">
          <caption>Keeping the whole library elsewhere</caption>
          <thead><tr><th>Where</th><th>Per month</th></tr></thead>
          <tbody>
            {plan.destinations.map((d) => <tr key={`d-${d.name}`}><td>{d.name} ({d.option})</td><td data-testid={`cost-dest-${d.name}`}>{m(d.monthly)}</td></tr>)}
            {plan.options.map((o) => <tr key={o.id}><td><a href={o.source} rel="noreferrer">{o.name}</a></td><td data-testid={`cost-option-${o.id}`}>{m(o.monthly)}</td></tr>)}
          </tbody>
        </table>
      </div>
      <p class="hint" data-testid="cost-date">Prices as of {plan.pricesDate} ({plan.pricesFile}).</p>
    </div>
  );
}
