import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { describe, expect, it } from "vitest";
import { withRawConnection } from "@/lib/db/client";
import { applyMigrations, MIGRATIONS_DIR } from "@/lib/db/migrate";
import type { SqlConnection } from "@/lib/db/sql";
import { actualCatalog } from "../helpers/actual-catalog";
import { diffCatalogs } from "../helpers/diff-catalogs";
import { expectedCatalog } from "../helpers/expected-catalog";

async function migratedPglite(migrationsDir: string) {
  const database = await PGlite.create("memory://", { extensions: { pg_trgm } });
  const connection: SqlConnection = {
    exec: async (sql) => void (await database.exec(sql)),
    query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await database.query<Row>(sql, params)).rows,
  };
  await applyMigrations((work) => work(connection), migrationsDir);
  return { connection, close: () => database.close() };
}

describe("migrations and schema.prisma", () => {
  it("produce the same tables, columns, types, defaults, indexes, keys and enums", async () => {
    const expected = await expectedCatalog();
    const actual = await withRawConnection(actualCatalog);
    expect(diffCatalogs(expected, actual)).toEqual([]);
    expect(expected.columns.size).toBeGreaterThan(0);
  });

  it("reports a column that a migration forgot", async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), "migrations-"));
    await fs.cp(MIGRATIONS_DIR, copy, { recursive: true });
    const first = (await fs.readdir(copy)).filter((name) => !name.endsWith(".toml")).sort()[0];
    if (!first) throw new Error("no migrations found");
    const file = path.join(copy, first, "migration.sql");
    const sql = await fs.readFile(file, "utf8");
    const dropped = sql.replace(/^\s*"timeZone"[^\n]*\n/m, "");
    expect(dropped).not.toEqual(sql);
    await fs.writeFile(file, dropped);

    const database = await migratedPglite(copy);
    try {
      const problems = diffCatalogs(await expectedCatalog(), await actualCatalog(database.connection));
      expect(problems).toEqual(["columns: User.timeZone is declared in schema.prisma but missing from the database"]);
    } finally {
      await database.close();
      await fs.rm(copy, { recursive: true, force: true });
    }
  });
});
