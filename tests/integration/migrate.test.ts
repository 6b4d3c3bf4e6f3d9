import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withRawConnection } from "@/lib/db/client";
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from "@/lib/db/migrate";

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "migrations-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function addMigration(name: string, sql: string) {
  await fs.mkdir(path.join(dir, name));
  await fs.writeFile(path.join(dir, name, "migration.sql"), sql);
}

const applyFrom = (from: string) => withRawConnection((connection) => applyMigrations((work) => work(connection), from));
const recorded = () =>
  withRawConnection((connection) =>
    connection.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    ),
  );

describe("applyMigrations", () => {
  it("records the project's migrations as Prisma Migrate does, with sha256 checksums", async () => {
    const migrations = await readMigrations(MIGRATIONS_DIR);
    const rows = await recorded();
    expect(rows.map((row) => row.migration_name)).toEqual(migrations.map((migration) => migration.name));
    for (const [index, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[index]?.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("applies each migration once, in name order", async () => {
    await addMigration("20990101000001_second", `INSERT INTO "order_probe" (step) VALUES ('second');`);
    await addMigration("20990101000000_first", `CREATE TABLE "order_probe" (step TEXT); INSERT INTO "order_probe" VALUES ('first');`);
    expect(await applyFrom(dir)).toEqual(["20990101000000_first", "20990101000001_second"]);
    expect(await applyFrom(dir)).toEqual([]);
    const steps = await withRawConnection((connection) => connection.query<{ step: string }>(`SELECT step FROM "order_probe"`));
    expect(steps.map((row) => row.step)).toEqual(["first", "second"]);
  });

  it("rolls a failing migration back entirely and records nothing for it", async () => {
    await addMigration("20990101000000_broken", `CREATE TABLE "half_done" (id INT); SELECT * FROM "no_such_table";`);
    await expect(applyFrom(dir)).rejects.toThrow(/20990101000000_broken failed and was rolled back/);
    const tables = await withRawConnection((connection) =>
      connection.query(`SELECT 1 FROM pg_class WHERE relname = 'half_done'`),
    );
    expect(tables).toHaveLength(0);
    expect((await recorded()).map((row) => row.migration_name)).not.toContain("20990101000000_broken");
  });

  it("refuses to run when an applied migration was edited", async () => {
    await addMigration("20990101000000_edited", `CREATE TABLE "edited_probe" (id INT);`);
    await applyFrom(dir);
    await fs.writeFile(path.join(dir, "20990101000000_edited", "migration.sql"), `CREATE TABLE "edited_probe" (id BIGINT);`);
    await expect(applyFrom(dir)).rejects.toThrow(/was changed after it was applied/);
  });
});
