// The member's display preferences, loaded from and saved through the core.
// Applying them to <html> lets every screen inherit the language and size.
import { commands, type Prefs } from "../bindings";
import { setLocale } from "./i18n";

const DEFAULTS: Prefs = { locale: "ja", text_size: "medium" };

class PrefsState {
  current: Prefs = $state({ ...DEFAULTS });
  saveFailed = $state(false);

  async load(): Promise<void> {
    const result = await commands.prefsGet();
    this.apply(result.status === "ok" ? result.data : DEFAULTS);
  }

  async update(change: Partial<Prefs>): Promise<void> {
    const next = { ...this.current, ...change };
    this.apply(next);
    const result = await commands.prefsSet(next);
    this.saveFailed = result.status === "error";
  }

  private apply(prefs: Prefs): void {
    this.current = prefs;
    setLocale(prefs.locale);
    applyToDocument(prefs, document.documentElement);
  }
}

export function applyToDocument(prefs: Prefs, root: HTMLElement): void {
  root.lang = prefs.locale;
  root.dataset.textSize = prefs.text_size;
}

export const prefs = new PrefsState();
