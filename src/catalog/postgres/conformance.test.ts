/** @module The catalog conformance suite on a real PostgreSQL started on loopback for this file (a database per catalog). */
import { before } from 'node:test';
import { catalogSuite } from '../../../test/conformance/catalog.suite.ts';
import { startPostgres, type PostgresServer } from '../../../test/servers/postgres.ts';

let server: PostgresServer;
let n = 0;
before(async () => { server = await startPostgres(); });
catalogSuite({
  dialect: 'postgres',
  location: () => server.createDatabase(`catalog_${(n += 1)}`),
  teardown: () => server.stop(),
});
