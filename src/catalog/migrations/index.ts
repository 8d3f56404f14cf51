/**
 * @module Catalog migrations in order, written with Kysely's schema builder so SQLite and PostgreSQL share them.
 * One file per migration; add yours as the next number and list it here (never edit one that has shipped).
 */
import type { Migration } from 'kysely/migration';
import { initial } from './0001-initial.ts';
import { server } from './0002-server.ts';
import { adminSessions } from './0003-admin-sessions.ts';
import { jobs } from './0004-jobs.ts';
import { library } from './0005-library.ts';
import { dash } from './0007-dash.ts';
import { freeUpAudit } from './0006-free-up-audit.ts';
import { assetOrder } from './0008-asset-order.ts';
import { runOwners } from './0009-run-owners.ts';
import { changeSeq } from './0010-change-seq.ts';

export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-server': server,
  '0003-admin-sessions': adminSessions,
  '0004-jobs': jobs,
  '0005-library': library,
  '0007-dash': dash,
  '0006-free-up-audit': freeUpAudit,
  '0008-asset-order': assetOrder,
  '0009-run-owners': runOwners,
  '0010-change-seq': changeSeq,
};
