/** @module The dated price file (data/prices.json, or the user's copy named by `prices:` in config.yaml), checked with zod. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../core/usage-error.ts';

export const pricesSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'a date like 2026-12'),
  currency: z.string().min(1),
  icloud: z.object({
    source: z.url(),
    tiers: z.array(z.object({ name: z.string(), bytes: z.number().nonnegative(), monthly: z.number().nonnegative() })).min(1),
  }),
  storage: z.array(z.object({
    id: z.string().min(1), name: z.string().min(1), perGbMonth: z.number().nonnegative(), source: z.url(),
    minimumGb: z.number().nonnegative().optional(), freeGb: z.number().nonnegative().optional(), note: z.string().optional(),
  })).min(1),
});
export type Prices = z.output<typeof pricesSchema>;
export type StoragePrice = Prices['storage'][number];

/** The file shipped in the repo: beside the package root the launcher names, else found from this module. */
export const BUILTIN_PRICES = join(process.env.PHOTOFERRY_PACKAGE_ROOT ?? resolve(import.meta.dirname, '../../..'), 'data', 'prices.json');

export function loadPrices(path: string = BUILTIN_PRICES): Prices & { readonly file: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    throw new UsageError(`cannot read the price file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = pricesSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`the price file ${path} is not valid:`, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  // The built-in file is named by its place in the repo, never by this machine's path (it shows in screenshots).
  return { ...parsed.data, file: path === BUILTIN_PRICES ? 'data/prices.json (built in)' : path };
}

/** Monthly cost of keeping `bytes` at one storage option (minimum charges and free allowances applied). */
export function monthlyCost(p: StoragePrice, bytes: number): number {
  const gb = bytes / 1e9;
  const billed = Math.max(p.minimumGb ?? 0, gb - (p.freeGb ?? 0), 0);
  return billed * p.perGbMonth;
}

/** The smallest iCloud tier holding `bytes` (the largest when nothing does). */
export function tierFor(prices: Prices, bytes: number): Prices['icloud']['tiers'][number] {
  const tiers = [...prices.icloud.tiers].sort((a, b) => a.bytes - b.bytes);
  return tiers.find((t) => t.bytes >= bytes) ?? tiers[tiers.length - 1]!;
}
