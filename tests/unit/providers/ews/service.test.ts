import { ExchangeVersion } from "ews-javascript-api";
import { describe, expect, it } from "vitest";
import { requestedVersion } from "@/lib/providers/ews/service";

describe("requestedVersion", () => {
  it("asks an older server for its own version and a newer one for Exchange2013_SP1", () => {
    expect(requestedVersion("Exchange2010_SP2")).toBe(ExchangeVersion.Exchange2010_SP2);
    expect(requestedVersion("Exchange2007_SP1")).toBe(ExchangeVersion.Exchange2007_SP1);
    expect(requestedVersion("V2017_07_11")).toBe(ExchangeVersion.Exchange2013_SP1);
    expect(requestedVersion("Exchange2016")).toBe(ExchangeVersion.Exchange2013_SP1);
  });

  it("falls back to Exchange2013_SP1 when the connection test read no version", () => {
    expect(requestedVersion(null)).toBe(ExchangeVersion.Exchange2013_SP1);
    expect(requestedVersion("SomethingNew")).toBe(ExchangeVersion.Exchange2013_SP1);
  });
});
