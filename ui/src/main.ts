import { mount } from "svelte";
import App from "./App.svelte";
import QuickCheckIn from "./components/QuickCheckIn.svelte";
import "./app.css";
import "./lib/i18n";
import { prefs } from "./lib/prefs.svelte";

// Preferences are applied before mounting so the first frame already has
// the member's language and text size.
await prefs.load();
const target = document.getElementById("app") as HTMLElement;
// The tray's 今日の記録 opens a small window of its own on the same page.
if (new URLSearchParams(location.search).get("view") === "quick") mount(QuickCheckIn, { target });
else mount(App, { target });
