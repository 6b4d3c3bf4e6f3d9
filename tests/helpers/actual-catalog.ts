// What a migrated database holds, read from PostgreSQL's own catalog.
import type { SqlConnection } from "@/lib/db/sql";
import type { Catalog } from "./expected-catalog";

const ACTIONS: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

export async function actualCatalog(connection: SqlConnection): Promise<Catalog> {
  const catalog: Catalog = { columns: new Map(), indexes: new Map(), foreignKeys: new Map(), enums: new Map() };
  const userTables = `c.relkind = 'r' AND n.nspname = 'public' AND c.relname <> '_prisma_migrations'`;

  const columns = await connection.query<{ table: string; column: string; type: string; nullable: boolean; default: string | null }>(`
    SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS "type",
           NOT a.attnotnull AS "nullable", pg_get_expr(d.adbin, d.adrelid) AS "default"
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE ${userTables} AND a.attnum > 0 AND NOT a.attisdropped`);
  for (const row of columns) {
    catalog.columns.set(`${row.table}.${row.column}`, { type: row.type, nullable: row.nullable, default: row.default });
  }

  const indexes = await connection.query<{ name: string; table: string; unique: boolean; primary: boolean; columns: string[] }>(`
    SELECT i.relname AS "name", c.relname AS "table", ix.indisunique AS "unique", ix.indisprimary AS "primary",
           ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord) AS "columns"
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class c ON c.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${userTables}`);
  for (const row of indexes) {
    catalog.indexes.set(row.name, { table: row.table, unique: row.unique, primary: row.primary, columns: row.columns });
  }

  const foreignKeys = await connection.query<{
    name: string; table: string; columns: string[]; references: string; referencedColumns: string[]; onDelete: string; onUpdate: string;
  }>(`
    SELECT con.conname AS "name", c.relname AS "table", r.relname AS "references",
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "columns",
           ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "referencedColumns",
           con.confdeltype AS "onDelete", con.confupdtype AS "onUpdate"
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_class r ON r.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE con.contype = 'f' AND ${userTables}`);
  for (const row of foreignKeys) {
    // Same key order as the expected catalog: the two are compared as JSON.
    catalog.foreignKeys.set(row.name, {
      table: row.table,
      columns: row.columns,
      references: row.references,
      referencedColumns: row.referencedColumns,
      onDelete: ACTIONS[row.onDelete] ?? row.onDelete,
      onUpdate: ACTIONS[row.onUpdate] ?? row.onUpdate,
    });
  }

  const enums = await connection.query<{ name: string; values: string[] }>(`
    SELECT t.typname AS "name", ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS "values"
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e' AND n.nspname = 'public'`);
  for (const row of enums) catalog.enums.set(row.name, row.values);
  return catalog;
}
