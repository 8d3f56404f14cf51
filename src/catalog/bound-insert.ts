/**
 * @module Multi-row inserts compiled by Kysely once per shape, then only bound. Building and compiling a 200-row
 * insert's operation tree (rows parsed, frozen and visited, ~100 MB of garbage per 10k-file copy) cost more of the
 * main thread than SQLite took to run it; the shapes are few (statement-shapes.ts), so each is compiled once.
 */
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** SQL per shape, per database adapter (a SQLite and a PostgreSQL catalog compile the same insert differently). */
const compiled = new WeakMap<object, Map<string, string | null>>();

/**
 * Runs `build(rows)`'s insert: Kysely compiles it the first time its shape (name, row count, columns) is seen, and
 * its SQL is reused with these rows' values bound in Kysely's order (row by row, columns as the rows list them).
 * The first compile checks that order against Kysely's own parameters; a shape whose parameters are not exactly
 * its rows' values (a value Kysely inlines or adds, an undefined column) always goes through Kysely instead.
 */
export async function insertBound<Db, Row extends object>(
  db: Kysely<Db>, name: string, rows: readonly Row[], build: (rows: readonly Row[]) => Compilable,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const parameters = valuesOf(rows, columns);
  // An odd batch goes through Kysely without deciding its shape for the batches after it.
  if (parameters === null) { await db.executeQuery(build(rows).compile()); return; }
  const adapter = db.getExecutor().adapter;
  let shapes = compiled.get(adapter);
  if (!shapes) { shapes = new Map(); compiled.set(adapter, shapes); }
  const key = `${name}\u0000${rows.length}\u0000${columns.join(',')}`;
  let sql = shapes.get(key);
  if (sql === undefined) {
    const query = build(rows).compile();
    sql = sameValues(parameters, query.parameters) ? query.sql : null;
    shapes.set(key, sql);
    if (sql === null) { await db.executeQuery(query); return; }
  }
  await db.executeQuery(sql === null ? build(rows).compile() : CompiledQuery.raw(sql, parameters));
}

/** Every row's values in column order; null when a row has other columns or an undefined value (a shape of its own). */
function valuesOf(rows: readonly object[], columns: readonly string[]): unknown[] | null {
  // Indexed loops: below V8's top tier each for-of allocates its iterator's results (15 MB per 10k-file copy here).
  const out = new Array<unknown>(rows.length * columns.length);
  let i = 0;
  for (let r = 0; r < rows.length; r++) {
    const record = rows[r] as Record<string, unknown>;
    let count = 0;
    for (const key in record) if (Object.hasOwn(record, key)) count += 1;
    if (count !== columns.length) return null;
    for (let c = 0; c < columns.length; c++) {
      const value = record[columns[c]!];
      if (value === undefined) return null;
      out[i++] = value;
    }
  }
  return out;
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
