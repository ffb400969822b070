// The links the insurer mails (registration, confirmation, password reset):
// the token in whatever the member pasted, where a link leads, and the deep
// links the app is opened with. The token rule is kenpo-domain's
// `token_from_link`: letters, digits, `-` and `_`, 16 to 256 long.
import { listen } from "@tauri-apps/api/event";
import { listenWhile } from "./listen";

/** Where a mailed link leads. */
export type LinkTarget = "identity" | "auth_key" | "password_reset";

/** A link (or code) the member brought, with its token. */
export interface ArrivedLink {
  /** `null` for a bare code: it goes where the member is waiting for one. */
  target: LinkTarget | null;
  token: string;
}

/** The event the app sends when it is opened with a `kenpodesk://` link (payload: the URL). */
export const DEEP_LINK_EVENT = "deep-link";

const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;
const SCHEME = "kenpodesk://";

/** The path of each kind of link, in the deep link and the web link alike. */
const PATHS: readonly (readonly [string, LinkTarget])[] = [
  ["register/identity", "identity"],
  ["register/auth-key", "auth_key"],
  ["password-reset", "password_reset"],
];

/**
 * The token in a pasted link (`kenpodesk://register/identity?token=…`, the
 * web link) or bare code; `null` when there is none.
 */
export function tokenFromLink(pasted: string): string | null {
  const text = pasted.trim();
  const query = text.indexOf("?");
  let token: string | undefined;
  if (query >= 0) {
    token = text
      .slice(query + 1)
      .split(/[&#]/)
      .find((pair) => pair.startsWith("token="))
      ?.slice("token=".length);
  } else if (!text.includes("://")) {
    token = text;
  }
  return token !== undefined && TOKEN.test(token) ? token : null;
}

/** Where a link leads, by its path; `null` for a bare code or another path. */
export function targetOf(link: string): LinkTarget | null {
  const path = (link.trim().split(/[?#]/)[0] ?? "").replace(/\/+$/, "");
  const found = PATHS.find(([suffix]) => path === `${SCHEME}${suffix}` || path.endsWith(`/${suffix}`));
  return found ? found[1] : null;
}

/** What the member pasted, read: a token and, for a link, where it leads. */
export function readLink(pasted: string): ArrivedLink | null {
  const token = tokenFromLink(pasted);
  if (!token) return null;
  const text = pasted.trim();
  return { target: text.includes("?") ? targetOf(text) : null, token };
}

/** A deep link the app was opened with; `null` unless it is one of ours. */
export function readDeepLink(url: string): (ArrivedLink & { target: LinkTarget }) | null {
  if (!url.trim().startsWith(SCHEME)) return null;
  const link = readLink(url);
  return link?.target ? { target: link.target, token: link.token } : null;
}

/**
 * The links in a mail's body, each once: its `kenpodesk://` links, and a
 * code (「コード: …」) whose token no link carries.
 */
export function linksInMail(body: string): string[] {
  const found: string[] = [];
  const tokens = new Set<string>();
  for (const match of body.matchAll(/kenpodesk:\/\/\S+/g)) {
    const token = tokenFromLink(match[0]);
    if (token && !tokens.has(token)) {
      tokens.add(token);
      found.push(match[0]);
    }
  }
  for (const match of body.matchAll(/(?:コード|code)\s*[:：]\s*([A-Za-z0-9_-]+)/gi)) {
    const token = tokenFromLink(match[1] ?? "");
    if (token && !tokens.has(token)) {
      tokens.add(token);
      found.push(token);
    }
  }
  return found;
}

/**
 * Calls `onlink` for each deep link the app is opened with, until the
 * returned function is called. Without Tauri (a browser, tests without
 * IPC) no link ever arrives.
 */
export function listenForLinks(onlink: (link: ArrivedLink & { target: LinkTarget }) => void): () => void {
  return listenWhile(
    listen<unknown>(DEEP_LINK_EVENT, (event) => {
      const urls = Array.isArray(event.payload) ? event.payload : [event.payload];
      for (const url of urls) {
        const link = typeof url === "string" ? readDeepLink(url) : null;
        if (link) onlink(link);
      }
    }),
  );
}
