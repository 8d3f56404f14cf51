/** @module The catalog conformance suite on SQLite files in a temp dir (the embedded default). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogSuite } from '../../../test/conformance/catalog.suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'pf-catalog-'));
let n = 0;
catalogSuite({
  dialect: 'sqlite',
  location: async () => join(dir, `catalog-${(n += 1)}.db`),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});
