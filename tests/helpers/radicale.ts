// A real CalDAV server for the tests: Radicale (Debian's package), one per caller, on a free port of
// 127.0.0.1, with its own storage folder and an htpasswd user. Started and stopped by the tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface Radicale {
  /** http://127.0.0.1:PORT */
  url: string;
  login: string;
  password: string;
  /** The storage folder (collection-root/LOGIN/... holds one .ics file per resource). */
  storage: string;
  /** The user changes their password at the server (Radicale reads the htpasswd file on every sign-in). */
  changePassword(password: string): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await fetch(url, { method: "OPTIONS" });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Radicale did not start at ${url}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Starts Radicale; `RADICALE_BIN` names another binary than the one on PATH. */
export async function startRadicale({ login = "alice", password = "wonderland" } = {}): Promise<Radicale> {
  const folder = await mkdtemp(path.join(tmpdir(), "radicale-"));
  const port = await freePort();
  const storage = path.join(folder, "collections");
  // Plain htpasswd entries: Debian's Radicale checks them without bcrypt's extra module.
  await writeFile(path.join(folder, "users"), `${login}:${password}\n`);
  await writeFile(
    path.join(folder, "config"),
    [
      "[server]",
      `hosts = 127.0.0.1:${port}`,
      "[auth]",
      "type = htpasswd",
      `htpasswd_filename = ${path.join(folder, "users")}`,
      "htpasswd_encryption = plain",
      "delay = 0",
      "[rights]",
      "type = owner_only",
      "[storage]",
      `filesystem_folder = ${storage}`,
      "[web]",
      "type = none",
      "[logging]",
      "level = warning",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(process.env.RADICALE_BIN ?? "radicale", ["--config", path.join(folder, "config")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([answers(url, Date.now() + 20_000), exited.then(() => Promise.reject(new Error(`Radicale exited: ${stderr}`)))]);
  } catch (error) {
    child.kill();
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const server: Radicale = {
    url,
    login,
    password,
    storage,
    async changePassword(next) {
      await writeFile(path.join(folder, "users"), `${login}:${next}\n`);
      server.password = next;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
  return server;
}
