// uPlot, loaded when a chart is first shown (it is not needed at start).
// At load it formats numbers in `navigator.language`, which a desktop
// started with LANG=C reports as "C", not a language tag: Intl then
// throws and the chart library fails to load. Such a PC gets the page's
// own language instead, before uPlot reads it.
import type uPlotType from "uplot";

let loading: Promise<typeof uPlotType> | null = null;

function ensureUsableLanguage(): void {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, "language", {
      value: document.documentElement.lang || "ja",
      configurable: true,
    });
  }
}

export function loadUPlot(): Promise<typeof uPlotType> {
  if (!loading) {
    ensureUsableLanguage();
    loading = import("uplot").then((module) => module.default);
  }
  return loading;
}
