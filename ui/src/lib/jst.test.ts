import { describe, expect, it } from "vitest";
import { addDays, isIsoDate, todayJst } from "./jst";

describe("todayJst", () => {
  it("is Japan's calendar day whatever the PC's zone", () => {
    expect(todayJst(new Date("2027-03-31T14:59:59Z"))).toBe("2027-03-31");
    expect(todayJst(new Date("2027-03-31T15:00:00Z"))).toBe("2027-04-01");
  });
});

describe("addDays", () => {
  it("crosses months, years and leap days", () => {
    expect(addDays("2027-04-01", -1)).toBe("2027-03-31");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });
});

describe("isIsoDate", () => {
  it("accepts real days only", () => {
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(isIsoDate("2027-02-29")).toBe(false);
    expect(isIsoDate("2027-4-1")).toBe(false);
    expect(isIsoDate("")).toBe(false);
  });
});
