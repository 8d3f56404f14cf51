/**
 * @module The plan, streamed: assets page by page from the catalog with the placements of just those assets, each page
 * diffed by the pure planStep, so planning holds one page and the paths this plan chose, never the whole library.
 */
import type { Asset, AssetId } from '../core/asset.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Placement } from '../destinations/destination.ts';
import { pathKey } from '../catalog/path-key.ts';
import { NameSet } from '../core/name-set.ts';
import { PlanBuilder, planStep, type Plan, type PlanOptions, type PlanStep } from './plan.ts';
import type { RefreshChanges } from './refresh.ts';

/** The catalog reads a streamed plan makes. */
export type PlanReads = Pick<Catalog, 'assetPages' | 'assetsById' | 'placementsFor' | 'pathOwners' | 'orphanPlacements'>;

export interface PlanTarget {
  readonly sourceId: string;
  readonly destinationId: string;
  /** Assets per page (default: the catalog's). */
  readonly pageSize?: number;
  /** Plan only these assets (what an incremental refresh changed), not the whole library. */
  readonly assetIds?: readonly AssetId[];
}

const ID_PAGE = 1000;

/** The assets to plan, page by page: the whole library, or the chosen ones. */
async function* pagesOf(catalog: PlanReads, target: PlanTarget): AsyncGenerator<Asset[]> {
  if (target.assetIds === undefined) { yield* catalog.assetPages(target.sourceId, target.pageSize); return; }
  const size = target.pageSize ?? ID_PAGE;
  for (let i = 0; i < target.assetIds.length; i += size) {
    const assets = await catalog.assetsById(target.sourceId, target.assetIds.slice(i, i + size));
    if (assets.length > 0) yield assets;
  }
}

/** Steps in the catalog's asset order (taken_at, id), then, for sync --delete, one step removing orphaned placements. */
export async function* planSteps(options: PlanOptions, catalog: PlanReads, target: PlanTarget): AsyncGenerator<PlanStep> {
  /** Path keys chosen on earlier pages: the only state that grows, with what the plan writes (16 bytes a path at most). */
  const chosen = new NameSet();
  for await (const assets of pagesOf(catalog, target)) {
    const placements = await catalog.placementsFor(target.destinationId, target.sourceId, assets.map((a) => a.id));
    yield await planPageWithOwners(options, { assets, placements }, chosen, (keys) => catalog.pathOwners(target.destinationId, target.sourceId, keys));
  }
  if (options.propagateDeletes) {
    const orphans = await catalog.orphanPlacements(target.destinationId, target.sourceId);
    if (orphans.length > 0) {
      yield { copies: [], derived: [], removes: orphans.map((placement) => ({ type: 'remove' as const, placement })), present: 0, derivedPresent: 0, filtered: 0 };
    }
  }
}

/**
 * The owner of a path an earlier page chose: an asset is on one page only, so whoever chose it is another asset than
 * any on this page, and its id is not needed (not an id: it never equals one).
 */
const EARLIER_PAGE = '\u0000earlier page';

/**
 * Runs planStep on a page; every path key it asks about that neither this plan nor the page's own placements answer
 * is looked up in the catalog, and the page is planned again with the answers, until it asks nothing new (one lookup
 * for the new paths of a page, a second only when a collision suffix is tried). Only the final run's claims are kept.
 * When no asked path has an owner, the run that asked already took each as free, which is what the next run would be
 * told: planStep is pure, so that run's step stands (on a first copy, every page is planned once, not twice).
 */
async function planPageWithOwners(
  options: PlanOptions, page: { assets: readonly Asset[]; placements: readonly Placement[] }, chosen: NameSet,
  owners: (keys: readonly string[]) => Promise<Map<string, string>>,
): Promise<PlanStep> {
  const known = new Map<string, AssetId | string | null>();
  for (const p of page.placements) known.set(pathKey(p.path), p.assetId);
  for (;;) {
    const asked = new Set<string>();
    const mine = new Map<string, string>();
    const step = planStep(options, page, {
      get(key) {
        const owner = mine.get(key) ?? (chosen.has(key) ? EARLIER_PAGE : undefined);
        if (owner !== undefined) return owner;
        if (known.has(key)) return known.get(key) ?? undefined;
        asked.add(key);
        return undefined;
      },
      set(key, assetId) { mine.set(key, assetId); },
    });
    const answers = asked.size === 0 ? new Map<string, string>() : await owners([...asked]);
    if (answers.size === 0) {
      for (const key of mine.keys()) chosen.add(key);
      return step;
    }
    for (const key of asked) known.set(key, answers.get(key) ?? null);
  }
}

/** A plan being made as it runs: what it will do in sum (a counting pass), then its steps, read once, in order. */
export interface StreamedPlan {
  readonly totals: Plan['totals'];
  readonly present: number;
  readonly filtered: number;
  readonly steps: AsyncIterable<PlanStep> | Iterable<PlanStep>;
}

/** A run's plan: its steps to execute (read once), and its counts as a Plan without actions. */
export interface RunPlan extends StreamedPlan {
  readonly plan: Plan;
  /** Files the run will remove (album entries left behind, and for sync --delete what the source deleted). */
  readonly removes: number;
}

/** Actions a run keeps from its counting pass; past this it plans again as it goes rather than hold them. */
const HELD_ACTIONS = 20_000;

/**
 * The plan a run executes, never held whole: a first pass counts it (the run announces its totals before the first
 * file), keeping the steps with actions while they are few (an incremental run plans once); a large plan is made
 * again, step by step, as the run consumes it. Both passes read the same catalog: between them nothing else writes
 * this pair's placements, and as the run records its copies the later pages still see what the first pass saw.
 */
export async function streamPlan(options: PlanOptions, catalog: PlanReads, target: PlanTarget, hold = HELD_ACTIONS): Promise<RunPlan> {
  let held: PlanStep[] | undefined = [];
  let heldActions = 0;
  const n = { files: 0, bytes: 0, assets: 0, present: 0, derivedPresent: 0, filtered: 0, removes: 0 };
  for await (const step of planSteps(options, catalog, target)) {
    const stepAssets = new Set<string>();
    for (const c of step.copies) { n.bytes += c.resource.size; stepAssets.add(c.asset.id); }
    // A step holds all of its assets' files, so distinct assets add up step by step.
    n.assets += stepAssets.size;
    n.files += step.copies.length;
    n.present += step.present;
    n.derivedPresent += step.derivedPresent;
    n.filtered += step.filtered;
    n.removes += step.removes.length;
    const actions = step.copies.length + step.derived.length + step.removes.length;
    if (held === undefined || actions === 0) continue;
    heldActions += actions;
    if (heldActions > hold) held = undefined;
    else held.push(step);
  }
  const { present, derivedPresent, filtered, removes } = n;
  const totals = { assets: n.assets, files: n.files, bytes: n.bytes };
  const plan: Plan = { copies: [], derived: [], removes: [], present, derivedPresent, filtered, totals };
  return { totals, present, filtered, removes, steps: held === undefined ? planSteps(options, catalog, target) : handOut(held), plan };
}

/**
 * The held steps, each given once and let go: the run then holds only the steps it works on, as when it plans again.
 * Merged into one Plan they were one step whose actions lived until the run ended (10k small files: their 10k
 * assets, ~15 MB of heap, through the copy and the manifest walk), and whose sidecars waited for its last copy.
 */
function* handOut(steps: PlanStep[]): Generator<PlanStep> {
  while (steps.length > 0) yield steps.shift()!;
}

/** Answers no path as taken: for counting what is present, where no new path is chosen. */
const NO_CLAIMS = { get: () => undefined, set: () => undefined };

/**
 * The plan of an incremental run: only the assets the refresh changed are planned, and the present and filtered
 * counts are the settled run's with the changed assets counted again (out as they were, in as they are now).
 */
export async function streamChanges(
  options: PlanOptions, catalog: PlanReads, target: PlanTarget, changes: RefreshChanges, settled: { present: number; filtered: number },
): Promise<RunPlan> {
  const planned = await streamPlan(options, catalog, { ...target, assetIds: changes.ids });
  const placements = await catalog.placementsFor(target.destinationId, target.sourceId, changes.before.map((a) => a.id));
  const before = planStep(options, { assets: changes.before, placements }, NO_CLAIMS);
  const present = settled.present - before.present + planned.present;
  const filtered = settled.filtered - before.filtered + planned.filtered;
  return { ...planned, present, filtered, plan: { ...planned.plan, present, filtered } };
}

/** The steps gathered into the Plan a run executes (its actions are what the run will do, so they are held). */
export async function collectPlan(steps: AsyncIterable<PlanStep> | Iterable<PlanStep>): Promise<Plan> {
  const builder = new PlanBuilder();
  for await (const step of steps) builder.add(step);
  return builder.finish([]);
}
