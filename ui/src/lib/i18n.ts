// Locale files are bundled (not fetched) so the first paint is already in
// the member's language.
import { addMessages, init, locale } from "svelte-i18n";
import type { Locale } from "../bindings";
import en from "../locales/en.json";
import ja from "../locales/ja.json";

export const LOCALES: readonly Locale[] = ["ja", "en"];

/** The name of each language, written in that language. */
export const LOCALE_NAMES: Record<Locale, string> = { ja: "日本語", en: "English" };

addMessages("ja", ja);
addMessages("en", en);
init({ fallbackLocale: "ja", initialLocale: "ja" });

export function setLocale(value: Locale): void {
  void locale.set(value);
}
