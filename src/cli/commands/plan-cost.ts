/** @module `photoferry plan SOURCE --cost`: prints the cost planner's tables (the dashboard's Free up page shows the same numbers). */
import type { CostPlan } from '../../app/cost/plan-cost.ts';
import type { AppContext } from '../../app/context.ts';
import { EXIT } from '../exit-codes.ts';
import { formatBytes } from '../output.ts';
import { cliInteraction } from '../interaction.ts';

const money = (n: number, currency: string) => `${currency === 'USD' ? '$' : `${currency} `}${n.toFixed(2)}`;

export function costText(p: CostPlan): string {
  const m = (n: number) => money(n, p.currency);
  const lines = [`Library ${p.source}: ${p.library.assets} assets, ${formatBytes(p.library.bytes)}.`, 'By year and type:'];
  for (const year of Object.keys(p.library.byYear).sort()) {
    for (const [type, t] of Object.entries(p.library.byYear[year]!).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${year} ${type.padEnd(11)} ${String(t.assets).padStart(6)} assets ${formatBytes(t.bytes).padStart(10)}`);
    }
  }
  lines.push(`iCloud today: ${p.today.tier} (${m(p.today.monthly)}/month).`, 'After freeing every year up to and including:');
  for (const a of p.afterFreeing) lines.push(`  ${a.throughYear}  ${formatBytes(a.remainingBytes).padStart(10)} left  ${a.tier.padEnd(16)} ${m(a.monthly).padStart(8)}/month`);
  if (p.destinations.length > 0) {
    lines.push('Keeping the whole library on your destinations:');
    for (const d of p.destinations) lines.push(`  ${d.name.padEnd(20)} (${d.option}) ${m(d.monthly).padStart(8)}/month`);
  }
  lines.push('Common options for the whole library:');
  for (const o of p.options) lines.push(`  ${o.name.padEnd(46)} ${m(o.monthly).padStart(8)}/month${o.note === undefined ? '' : `  (${o.note})`}`);
  lines.push(`Prices as of ${p.pricesDate} from ${p.pricesFile} (sources in the file; iCloud: ${p.icloudSource}).`);
  return `${lines.join('\n')}\n`;
}

export async function printCostPlan(ctx: AppContext, source: string, opts: { json: boolean; quiet: boolean; code?: string }, signal: AbortSignal): Promise<number> {
  const { planCost } = await import('../../app/cost/plan-cost.ts');
  const plan = await planCost(ctx, source, signal, cliInteraction(opts.code));
  if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'cost-plan', ...plan })}\n`);
  else if (!opts.quiet) process.stdout.write(costText(plan));
  return EXIT.ok;
}
