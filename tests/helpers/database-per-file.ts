// Every test file gets a database of its own: an in-memory PGlite by default, or a fresh database
// on the PostgreSQL server named by TEST_DATABASE_URL (created here, dropped after the file).
import { randomBytes } from "node:crypto";
import { cpSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDb } from "@/lib/db/client";

const serverUrl = process.env.TEST_DATABASE_URL;
let databaseName: string | null = null;

function assertLocal(url: URL): void {
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(url.hostname)) {
    throw new Error(`TEST_DATABASE_URL must point at a local server, not ${url.hostname}: tests create and drop databases.`);
  }
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await closeDb();
  process.env.DATA_DIR = path.join(os.tmpdir(), `calendar-sync-test-${process.pid}-${randomBytes(4).toString("hex")}`);
  if (!serverUrl) {
    delete process.env.DATABASE_URL;
    // A copy of the run's migrated template (tests/helpers/pglite-template.ts), in this file's data folder.
    const template = inject("pgliteTemplate");
    if (template) {
      process.env.PGLITE_DIR = path.join(process.env.DATA_DIR, "pglite");
      cpSync(template, process.env.PGLITE_DIR, { recursive: true });
    } else {
      process.env.PGLITE_DIR = "memory://";
    }
    return;
  }
  const url = new URL(serverUrl);
  assertLocal(url);
  databaseName = `calendar_sync_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE "${databaseName}"`));
  url.pathname = `/${databaseName}`;
  process.env.DATABASE_URL = url.toString();
});

afterAll(async () => {
  await closeDb();
  if (process.env.DATA_DIR) rmSync(process.env.DATA_DIR, { recursive: true, force: true });
  if (databaseName) {
    const name = databaseName;
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
});
