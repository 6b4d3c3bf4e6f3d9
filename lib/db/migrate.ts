import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { SqlConnection, WithConnection } from "./sql";

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

// The lock id Prisma Migrate itself takes, so our runner and `prisma migrate deploy` exclude each other.
const PRISMA_ADVISORY_LOCK = 72707369;

// Exactly the table Prisma Migrate creates, so `prisma migrate status` reads our records.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  // The folder is shipped through outputFileTracingIncludes; tracing it from here would pull in the whole project.
  const entries = await fs.readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await fs.readFile(/* turbopackIgnore: true */ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies every migration not yet recorded, in name order, each in its own transaction, and records
 * it the way Prisma Migrate does. Refuses to go on when a recorded migration was edited afterwards
 * or an earlier attempt failed half-way, as `prisma migrate deploy` would.
 */
export async function applyMigrations(withConnection: WithConnection, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  return withConnection(async (connection) => {
    await connection.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      await connection.exec(CREATE_MIGRATIONS_TABLE);
      const rows = await connection.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      const done: string[] = [];
      for (const migration of migrations) {
        const record = applied.get(migration.name);
        if (record) {
          assertRecordMatches(record, migration);
          continue;
        }
        await applyOne(connection, migration);
        done.push(migration.name);
      }
      return done;
    } finally {
      await connection.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
    }
  });
}

function assertRecordMatches(record: AppliedRow, migration: Migration): void {
  if (record.finished_at === null) {
    throw new Error(
      `Migration ${migration.name} started earlier but did not finish. Inspect the database, then mark it rolled back in _prisma_migrations.`,
    );
  }
  if (record.checksum !== migration.checksum) {
    throw new Error(
      `Migration ${migration.name} was changed after it was applied. Add a new migration instead of editing an applied one.`,
    );
  }
}

async function applyOne(connection: SqlConnection, migration: Migration): Promise<void> {
  const id = randomUUID();
  await connection.exec("BEGIN");
  try {
    await connection.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await connection.exec(migration.sql);
    await connection.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await connection.exec("COMMIT");
  } catch (error) {
    await connection.exec("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
  }
}
