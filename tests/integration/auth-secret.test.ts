import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AUTH_SECRET_FILE, authSecret } from "@/lib/auth/auth-secret";

const saved = { ...process.env };
afterEach(() => {
  for (const key of ["AUTH_SECRET", "NEXTAUTH_SECRET", "NODE_ENV", "DATABASE_URL"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

function setEnv(values: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

describe("auth secret", () => {
  it("generates one into the data folder with owner-only permissions and keeps it", () => {
    setEnv({ AUTH_SECRET: undefined, NEXTAUTH_SECRET: undefined, DATABASE_URL: undefined });
    const first = authSecret();
    const file = path.join(process.env.DATA_DIR ?? "", AUTH_SECRET_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(authSecret()).toBe(first);
  });

  it("uses AUTH_SECRET when given", () => {
    setEnv({ AUTH_SECRET: "x".repeat(40) });
    expect(authSecret()).toBe("x".repeat(40));
  });

  it("rejects a short AUTH_SECRET", () => {
    setEnv({ AUTH_SECRET: "short" });
    expect(() => authSecret()).toThrow(/at least 32 characters/);
  });

  it("refuses a production deployment without AUTH_SECRET", () => {
    setEnv({ AUTH_SECRET: undefined, NEXTAUTH_SECRET: undefined, NODE_ENV: "production", DATABASE_URL: "postgresql://db.example/app" });
    expect(() => authSecret()).toThrow(/AUTH_SECRET is not set/);
  });
});
