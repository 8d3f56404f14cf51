/**
 * @module One pacer per source account shared by every worker: a token bucket row (refilled by elapsed time, taken
 * under a row lock), a cooldown any worker sets when the service throttles and all honour, and a lease so only one
 * process signs in to an account at a time.
 */
import { sql, type Kysely } from 'kysely';
import type { CatalogDialect } from '../catalog.ts';
import type { CatalogTables } from '../schema.ts';

export interface BucketShape {
  /** Tokens (requests) per second, for the whole cluster. */
  readonly rate: number;
  /** Most tokens saved up while idle. */
  readonly burst: number;
}

export interface Grant {
  /** Tokens taken now (0..want). */
  readonly granted: number;
  /** When nothing was granted: how long until the next token, or until the cooldown ends. */
  readonly waitMs: number;
  /** Epoch ms until which nobody may send (0 when none). */
  readonly cooldownUntil: number;
}

export function createPacerStore(db: Kysely<CatalogTables>, dialect: CatalogDialect, now: () => number = Date.now) {
  const ensure = (tx: Kysely<CatalogTables>, account: string, shape: BucketShape) => tx.insertInto('account_pacer').values({
    account, tokens: shape.burst, rate: shape.rate, burst: shape.burst, refilled_at: now(), cooldown_until: 0, throttles: 0, lease_holder: null, lease_until: 0,
  }).onConflict((oc) => oc.column('account').doNothing()).execute();
  return {
    /** Takes up to `want` tokens for `account`; the bucket's shape is the caller's (the last caller's wins). */
    take(account: string, want: number, shape: BucketShape): Promise<Grant> {
      return db.transaction().execute(async (tx) => {
        await ensure(tx, account, shape);
        let q = tx.selectFrom('account_pacer').selectAll().where('account', '=', account);
        // SQLite serialises writers already; PostgreSQL needs the row lock so two workers never spend one token.
        if (dialect === 'postgres') q = q.forUpdate();
        const row = await q.executeTakeFirstOrThrow();
        const at = now();
        const tokens = Math.min(shape.burst, Number(row.tokens) + Math.max(0, at - Number(row.refilled_at)) / 1000 * shape.rate);
        const cooldownUntil = Number(row.cooldown_until);
        const granted = at < cooldownUntil ? 0 : Math.min(want, Math.floor(tokens));
        await tx.updateTable('account_pacer').set({ tokens: tokens - granted, rate: shape.rate, burst: shape.burst, refilled_at: at })
          .where('account', '=', account).execute();
        const waitMs = granted > 0 ? 0 : at < cooldownUntil ? cooldownUntil - at : Math.ceil(((1 - tokens) / shape.rate) * 1000);
        return { granted, waitMs, cooldownUntil: at < cooldownUntil ? cooldownUntil : 0 };
      });
    },
    /** A throttle seen by one worker: nobody sends for this account before `until`. */
    async cooldown(account: string, until: number, shape: BucketShape): Promise<void> {
      await ensure(db, account, shape);
      await db.updateTable('account_pacer').set((eb) => ({
        cooldown_until: sql<number>`case when ${eb.ref('cooldown_until')} < ${until} then ${until} else ${eb.ref('cooldown_until')} end`,
        throttles: eb('throttles', '+', 1),
      })).where('account', '=', account).execute();
    },
    /** True when `holder` now holds the account's sign-in lease (free, expired, or already its own) for `ttlMs`. */
    async lease(account: string, holder: string, ttlMs: number, shape: BucketShape): Promise<boolean> {
      await ensure(db, account, shape);
      const at = now();
      const r = await db.updateTable('account_pacer').set({ lease_holder: holder, lease_until: at + ttlMs }).where('account', '=', account)
        .where((eb) => eb.or([eb('lease_holder', 'is', null), eb('lease_until', '<', at), eb('lease_holder', '=', holder)])).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async release(account: string, holder: string): Promise<void> {
      await db.updateTable('account_pacer').set({ lease_holder: null, lease_until: 0 }).where('account', '=', account).where('lease_holder', '=', holder).execute();
    },
    async throttles(account: string): Promise<number> {
      const row = await db.selectFrom('account_pacer').select('throttles').where('account', '=', account).executeTakeFirst();
      return Number(row?.throttles ?? 0);
    },
  };
}
export type PacerStore = ReturnType<typeof createPacerStore>;
