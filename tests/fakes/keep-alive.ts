import type { Server } from "node:http";

/**
 * A fake never ends an idle keep-alive connection itself. Node's default (5 s) races clients that
 * reuse the connection at that moment — the request meets a closing socket and fails with
 * ECONNRESET, which on a loaded machine happened to test runners between two steps. Real services
 * keep connections far longer; the client decides when to let go, and `close()` ends idle ones.
 */
export function keepIdleConnections<T extends Server>(server: T): T {
  server.keepAliveTimeout = 0;
  return server;
}
