import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { dataDir } from "../config/data-dir";
import { serverEnv } from "../config/env";
import { PrismaClient } from "./generated/client";
import { applyMigrations } from "./migrate";
import type { SqlConnection, WithConnection } from "./sql";

export type Db = PrismaClient;

interface OpenDatabase {
  prisma: PrismaClient;
  withConnection: WithConnection;
  close(): Promise<void>;
}

// Kept on globalThis: Next.js bundles instrumentation and routes separately, and dev reloads
// modules, but one process must hold one database (PGlite allows a single opener).
const holder = globalThis as typeof globalThis & { __calendarSyncDb?: Promise<OpenDatabase> };

/** The process's Prisma client, on PostgreSQL when DATABASE_URL is set, else embedded PGlite; migrated before first use. */
export async function getDb(): Promise<Db> {
  holder.__calendarSyncDb ??= openDatabase().catch((error: unknown) => {
    holder.__calendarSyncDb = undefined;
    throw error;
  });
  return (await holder.__calendarSyncDb).prisma;
}

/** Runs `work` on a raw connection of the process's database (for statements Prisma cannot express). */
export async function withRawConnection<T>(work: (connection: SqlConnection) => Promise<T>): Promise<T> {
  await getDb();
  const open = await holder.__calendarSyncDb;
  if (!open) throw new Error("The database was closed while in use.");
  return open.withConnection(work);
}

export async function closeDb(): Promise<void> {
  const open = holder.__calendarSyncDb;
  holder.__calendarSyncDb = undefined;
  if (open) await (await open).close();
}

/** Where the embedded database lives, or null when PostgreSQL is configured. */
export function pgliteLocation(): string | null {
  const env = serverEnv();
  if (env.DATABASE_URL) return null;
  return env.PGLITE_DIR ?? path.join(dataDir(), "pglite");
}

async function openDatabase(): Promise<OpenDatabase> {
  const env = serverEnv();
  const open = env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : await openPglite();
  try {
    await applyMigrations(open.withConnection);
  } catch (error) {
    await open.close();
    throw error;
  }
  return open;
}

function openPostgres(connectionString: string): OpenDatabase {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle connection the server ends (a restart, a failover, an administrator) is an 'error' event
  // of the pool, which would end the process when nobody listens; the pool replaces it on next use.
  pool.on("error", (error) => console.warn(`[db] an idle database connection was closed: ${error.message}`));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work({
          exec: async (sql) => void (await client.query(sql)),
          query: async (sql, params) => (await client.query(sql, params)).rows,
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(): Promise<OpenDatabase> {
  const location = pgliteLocation() ?? "memory://";
  // pg_trgm indexes the calendar's search (PostgreSQL ships it in contrib; PGlite loads it here).
  const database = await PGlite.create(location, { extensions: { pg_trgm } });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(database) });
  const connection: SqlConnection = {
    exec: async (sql) => void (await database.exec(sql)),
    query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await database.query<Row>(sql, params)).rows,
  };
  return {
    prisma,
    withConnection: (work) => work(connection),
    async close() {
      await prisma.$disconnect();
      await database.close();
    },
  };
}
