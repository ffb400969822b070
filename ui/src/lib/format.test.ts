import { describe, expect, it } from "vitest";
import {
  formatCountdown,
  formatDay,
  formatDayWithWeekday,
  formatInstant,
  formatInstantDay,
  formatLongDay,
  formatNumber,
  formatSigned,
  parseTypedNumber,
} from "./format";

describe("parseTypedNumber", () => {
  it("reads what a Japanese keyboard types", () => {
    expect(parseTypedNumber("8000")).toBe(8000);
    expect(parseTypedNumber("８，０００")).toBe(8000);
    expect(parseTypedNumber("8,000")).toBe(8000);
    expect(parseTypedNumber("６２．４")).toBe(62.4);
    expect(parseTypedNumber(" 62.4 ")).toBe(62.4);
  });

  it("tells empty from not a number", () => {
    expect(parseTypedNumber("")).toBeNull();
    expect(parseTypedNumber("  ")).toBeNull();
    expect(parseTypedNumber("abc")).toBeNaN();
    expect(parseTypedNumber("1.2.3")).toBeNaN();
    expect(parseTypedNumber("1e5")).toBeNaN();
  });
});

describe("formatting", () => {
  it("writes days as they are, with no time-zone shift", () => {
    expect(formatDay("2028-03-31", "ja")).toBe("2028/03/31");
    expect(formatDay("2028-03-31", "en")).toBe("Mar 31, 2028");
    expect(formatDayWithWeekday("2026-05-10", "ja")).toBe("5月10日(日)");
  });

  it("writes a day out for a sentence: 2027年3月31日, 31 March 2027", () => {
    expect(formatLongDay("2027-03-31", "ja")).toBe("2027年3月31日");
    expect(formatLongDay("2027-03-31", "en")).toBe("31 March 2027");
    expect(formatLongDay("2026-04-01", "ja")).toBe("2026年4月1日");
  });

  it("writes the JST day of an instant (after 15:00 UTC it is the next day in Japan)", () => {
    expect(formatInstantDay("2026-12-02T15:30:00Z", "ja")).toBe("2026/12/03");
    expect(formatInstantDay("2026-12-03T10:00:00+09:00", "ja")).toBe("2026/12/03");
  });

  it("separates thousands", () => {
    expect(formatNumber(1895, "ja")).toBe("1,895");
    expect(formatNumber(1895, "en")).toBe("1,895");
  });

  it("signs points", () => {
    expect(formatSigned(10, "ja")).toBe("+10");
    expect(formatSigned(-1895, "ja")).toBe("-1,895");
    expect(formatSigned(0, "ja")).toBe("0");
  });

  it("shows instants in Japan's time", () => {
    expect(formatInstant("2026-05-10T05:03:00Z", "ja")).toBe("2026/05/10 14:03");
  });
});

describe("formatCountdown", () => {
  it("shows hours, minutes and seconds, rounded up to the second", () => {
    expect(formatCountdown(3 * 60 * 60 * 1000)).toBe("3:00:00");
    expect(formatCountdown(3 * 60 * 60 * 1000 - 1000)).toBe("2:59:59");
    expect(formatCountdown(30 * 60 * 1000 - 1)).toBe("0:30:00");
    expect(formatCountdown(999)).toBe("0:00:01");
    expect(formatCountdown(0)).toBe("0:00:00");
    expect(formatCountdown(-5000)).toBe("0:00:00");
  });
});
