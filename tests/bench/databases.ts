import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { closeDb } from "@/lib/db/client";

/** The databases every suite measures on: embedded PGlite always, PostgreSQL when a server answers. */
export interface BenchDatabase {
  name: "pglite" | "postgresql";
  /** Points the app's database layer at a fresh, empty database; returns how to drop it. */
  open(): Promise<() => Promise<void>>;
}

const serverUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const pglite: BenchDatabase = {
  name: "pglite",
  async open() {
    await closeDb();
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = "memory://";
    process.env.DATA_DIR = path.join(os.tmpdir(), `calendar-sync-bench-${randomBytes(4).toString("hex")}`);
    return closeDb;
  },
};

export const postgresql: BenchDatabase = {
  name: "postgresql",
  async open() {
    await closeDb();
    const name = `calendar_sync_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    return async () => {
      await closeDb();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
  },
};

export async function availableDatabases(log: (line: string) => void): Promise<BenchDatabase[]> {
  try {
    await admin("SELECT 1");
    return [pglite, postgresql];
  } catch (error) {
    log(`PostgreSQL at ${new URL(serverUrl).host} did not answer (${(error as Error).message}): measuring PGlite only.`);
    return [pglite];
  }
}
