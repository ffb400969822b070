import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import "./lib/i18n";
import { prefs } from "./lib/prefs.svelte";

// Preferences are applied before mounting so the first frame already has
// the member's language and text size.
await prefs.load();
mount(App, { target: document.getElementById("app") as HTMLElement });
