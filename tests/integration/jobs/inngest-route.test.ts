import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/inngest/route";

afterEach(() => vi.unstubAllEnvs());

const get = () => GET(new NextRequest("http://localhost:3000/api/inngest"), undefined);

describe("GET /api/inngest", () => {
  it("answers 404 with a body that says Inngest is not configured", async () => {
    vi.stubEnv("INNGEST_EVENT_KEY", "");
    vi.stubEnv("INNGEST_DEV", "");
    const response = await get();
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/^Inngest is not configured here: .*INNGEST_EVENT_KEY/);
  });

  it("hands the request to Inngest's handler when it is configured", async () => {
    vi.stubEnv("INNGEST_DEV", "1");
    const response = await get();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ function_count: expect.any(Number) });
  });
});
