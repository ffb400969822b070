// The licences of what ships in the app, from Cargo's and npm's own
// metadata at build time: the Rust crates the desktop app links (normal
// dependencies of kenpo-desk on this platform) and the npm packages the UI
// bundles (production dependencies). Emitted as `licenses.json`, which the
// shell's About command reads from the app's assets.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";

export type Licence = {
  name: string;
  version: string;
  license: string;
  repository: string | null;
  source: "crates.io" | "npm";
};

const uiDir = join(dirname(fileURLToPath(import.meta.url)), "..");

type Metadata = {
  packages: {
    id: string;
    name: string;
    version: string;
    license: string | null;
    repository: string | null;
    source: string | null;
  }[];
  resolve: { nodes: { id: string; deps: { pkg: string; dep_kinds: { kind: string | null }[] }[] }[] };
};

function crates(): Licence[] {
  const cargo = process.env.CARGO ?? "cargo";
  const text = execFileSync(
    cargo,
    ["metadata", "--format-version", "1", "--locked", "--filter-platform", hostTriple(cargo)],
    { cwd: join(uiDir, ".."), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  const meta = JSON.parse(text) as Metadata;
  const byId = new Map(meta.packages.map((p) => [p.id, p]));
  const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
  const root = meta.packages.find((p) => p.name === "kenpo-desk" && p.source === null);
  if (!root) throw new Error("kenpo-desk is not in the workspace");
  const seen = new Set<string>();
  const queue = [root.id];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of nodes.get(id)?.deps ?? []) {
      if (dep.dep_kinds.some((k) => k.kind === null)) queue.push(dep.pkg);
    }
  }
  return [...seen]
    .map((id) => byId.get(id)!)
    .filter((p) => p.source !== null)
    .map((p) => ({
      name: p.name,
      version: p.version,
      license: p.license ?? "see its repository",
      repository: p.repository,
      source: "crates.io" as const,
    }));
}

function hostTriple(cargo: string): string {
  const rustc = process.env.RUSTC ?? cargo.replace(/cargo(\.exe)?$/, "rustc$1");
  const info = execFileSync(rustc, ["-vV"], { encoding: "utf8" });
  const host = /^host: (.+)$/m.exec(info)?.[1];
  if (!host) throw new Error("rustc -vV names no host");
  return host.trim();
}

type Lock = { packages: Record<string, { version?: string; dev?: boolean; license?: string }> };

function npmPackages(): Licence[] {
  const lock = JSON.parse(readFileSync(join(uiDir, "package-lock.json"), "utf8")) as Lock;
  return Object.entries(lock.packages)
    // Optional packages of other platforms are in the lock but not here.
    .filter(([path, p]) => path.startsWith("node_modules/") && !p.dev)
    .filter(([path]) => existsSync(join(uiDir, path, "package.json")))
    .map(([path, p]) => {
      const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
      const manifest = JSON.parse(readFileSync(join(uiDir, path, "package.json"), "utf8")) as {
        license?: string;
        repository?: string | { url?: string };
      };
      const repo = manifest.repository;
      return {
        name,
        version: p.version ?? "",
        license: manifest.license ?? p.license ?? "see its repository",
        repository: typeof repo === "string" ? repo : (repo?.url ?? null),
        source: "npm" as const,
      };
    });
}

/** Every licence, sorted by name. */
export function licences(): Licence[] {
  const all = [...crates(), ...npmPackages()];
  all.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return all;
}

/** Emits `licenses.json` into the build. */
export function licencesAsset(): Plugin {
  return {
    name: "kenpo-licences",
    apply: "build",
    generateBundle() {
      this.emitFile({
        type: "asset",
        fileName: "licenses.json",
        source: JSON.stringify(licences()),
      });
    },
  };
}
