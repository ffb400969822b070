// Numbers and dates as the member reads them, in the UI's language.
// Calendar days are formatted as written (no time-zone shift); instants
// are shown in Japan's time.

import { todayJst } from "./jst";

// Making an Intl formatter costs far more than using one (a month of the
// calendar formats a few hundred numbers and days): one per locale and style.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, style: "plain" | "signed"): Intl.NumberFormat {
  const key = `n:${style}:${locale}`;
  let format = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(locale, style === "signed" ? { signDisplay: "exceptZero" } : {});
    formatters.set(key, format);
  }
  return format;
}

const DATE_STYLES: Record<"day" | "weekday" | "long", Intl.DateTimeFormatOptions> = {
  day: { dateStyle: "medium", timeZone: "UTC" },
  weekday: { month: "long", day: "numeric", weekday: "short", timeZone: "UTC" },
  long: { dateStyle: "long", timeZone: "UTC" },
};

function dateFormat(locale: string, style: "day" | "weekday" | "long"): Intl.DateTimeFormat {
  const key = `d:${style}:${locale}`;
  let format = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    // The long day reads as the member says it: 2027年3月31日, 31 March 2027.
    format = new Intl.DateTimeFormat(style === "long" && locale === "en" ? "en-GB" : locale, DATE_STYLES[style]);
    formatters.set(key, format);
  }
  return format;
}

export function formatNumber(value: number, locale: string): string {
  return numberFormat(locale, "plain").format(value);
}

/** Points with their sign: +10, −500 (0 without a sign). */
export function formatSigned(value: number, locale: string): string {
  return numberFormat(locale, "signed").format(value);
}

/** A "YYYY-MM-DD" day, e.g. 2026/05/10 or May 10, 2026. */
export function formatDay(date: string, locale: string): string {
  return dateFormat(locale, "day").format(new Date(`${date}T00:00:00Z`));
}

/** A day with its weekday, for the Today heading: 5月10日(日), Sun, May 10. */
export function formatDayWithWeekday(date: string, locale: string): string {
  return dateFormat(locale, "weekday").format(new Date(`${date}T00:00:00Z`));
}

/** A day written out, for an expiry said in a sentence: 2027年3月31日, 31 March 2027. */
export function formatLongDay(date: string, locale: string): string {
  return dateFormat(locale, "long").format(new Date(`${date}T00:00:00Z`));
}

/** The JST calendar day of an instant (RFC 3339), as `formatDay` writes it: 2026/12/03. */
export function formatInstantDay(instant: string, locale: string): string {
  return formatDay(todayJst(new Date(instant)), locale);
}

/** An instant (RFC 3339) as date and time in Japan. */
export function formatInstant(instant: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Tokyo",
  }).format(new Date(instant));
}

/**
 * A number typed by the member: full-width digits and points (from a
 * Japanese IME) and thousands separators are accepted. `null` when the
 * text is empty, `NaN` when it is not a number.
 */
export function parseTypedNumber(text: string): number | null {
  const ascii = text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, ".")
    .replace(/[,，、\s]/g, "");
  if (ascii === "") return null;
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(ascii)) return Number.NaN;
  return Number(ascii);
}

/** Time left, as H:MM:SS (3:00:00, 0:29:59), rounded up to the second; 0:00:00 when none. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return `${hours}:${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`;
}
