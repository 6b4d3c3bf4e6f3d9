/** The little the migration runner needs from a raw connection, for PGlite and node-postgres alike. */
export interface SqlConnection {
  /** Runs one or more statements with no parameters (migration files hold several). */
  exec(sql: string): Promise<void>;
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** Opens a dedicated connection, runs `work` on it, and releases it. */
export type WithConnection = <T>(work: (connection: SqlConnection) => Promise<T>) => Promise<T>;
