/** A migration that stops half-way (a kill, a failure) leaves no half-made schema behind on SQLite. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { migrateCatalog } from '../migrate.ts';
import { migrations } from '../migrations/index.ts';
import { openSqliteCatalog, sqliteDialect } from './sqlite-catalog.ts';

const tables = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map((r) => r.name);
  } finally { db.close(); }
};

describe('SQLite catalog migrations', () => {
  it('run in one transaction: one failing half-way leaves the file as it was, and the next start migrates it whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-migrate-'));
    try {
      const file = join(dir, 'catalog.db');
      const halfWay: Migration = {
        async up(db) {
          await db.schema.createTable('half_made').addColumn('x', 'text').execute();
          throw new Error('stopped half-way');
        },
      };
      const db = new Kysely<unknown>({ dialect: sqliteDialect(new Database(file)) });
      await assert.rejects(migrateCatalog(db, { ...migrations, '9999-half-way': halfWay }), /stopped half-way/);
      // The migrator's own bookkeeping tables are made before its transaction; they must record nothing.
      assert.deepEqual(tables(file).filter((t) => !t.startsWith('sqlite_') && !t.startsWith('kysely_')), [], 'nothing of the failed run remains');
      const check = new Database(file, { readonly: true });
      try { assert.deepEqual(check.prepare('select name from kysely_migration').all(), [], 'no migration recorded as done'); } finally { check.close(); }

      const catalog = await openSqliteCatalog(file);
      await catalog.close();
      const after = tables(file);
      assert.ok(after.includes('assets') && after.includes('change_seq'), `migrated whole: ${after.join(', ')}`);
      assert.ok(!after.includes('half_made'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
