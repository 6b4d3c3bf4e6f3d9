// Vitest's global set-up: one embedded database, migrated once per run, that every test file starts
// from as a copy. Creating a PGlite cluster (initdb inside WebAssembly) costs seconds per file; a
// copy of a migrated one opens in about one. Not used on PostgreSQL, where each file gets a new
// database on the server.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { TestProject } from "vitest/node";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("pgliteTemplate", null);
    return;
  }
  // Named after the migrations it holds, so an edited or added migration makes a new template.
  const migrations = await readMigrations();
  const digest = createHash("sha256").update(migrations.map((migration) => `${migration.name}:${migration.checksum}`).join("\n")).digest("hex").slice(0, 16);
  const template = path.join(os.tmpdir(), `calendar-sync-pglite-template-${digest}`);
  if (!existsSync(template)) {
    // Built aside and renamed into place, so a run that dies half-way never leaves a broken template.
    const building = mkdtempSync(`${template}-building-`);
    const database = await PGlite.create(building, { extensions: { pg_trgm } });
    try {
      await applyMigrations((work) =>
        work({
          exec: async (sql) => void (await database.exec(sql)),
          query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) => (await database.query<Row>(sql, params)).rows,
        }),
      );
    } finally {
      await database.close();
    }
    try {
      renameSync(building, template);
    } catch (error) {
      // Another run built it at the same moment: theirs is as good.
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(template)) throw error;
    }
  }
  project.provide("pgliteTemplate", template);
}
