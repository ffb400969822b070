import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { defineConfig } from "vitest/config";
import { licencesAsset } from "./build/licenses";
import { postal } from "./build/postal";

export default defineConfig({
  // svelteTesting: browser builds of Svelte under Vitest, and cleanup after each test.
  plugins: [svelte(), svelteTesting(), postal(), licencesAsset()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  // WebKitGTK on Debian 12 (2.4x) is about Safari 15 in what it supports.
  build: { target: "safari15", outDir: "dist", emptyOutDir: true },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    // What jsdom lacks and the chart library asks for at import.
    setupFiles: ["src/test/jsdom.ts"],
  },
});
