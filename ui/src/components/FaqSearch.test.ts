import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FaqEntry_Serialize, FaqView_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { deferred, fail, mockCommands } from "../test/ipc";
import FaqSearch from "./FaqSearch.svelte";

afterEach(() => clearMocks());

const entries: FaqEntry_Serialize[] = [
  { id: 1, category: "ログイン", question: "パスワードを忘れました", answer: "「お問い合わせ」から、\n「パスワードを忘れた」を選んでください。" },
  { id: 2, category: "アプリ", question: "PINとは何ですか", answer: "アプリをロックする4〜12桁の数字です。" },
  { id: 3, question: "ポイントの有効期限は？", answer: "付与日の翌年度末です。" },
];

/** A core that searches as kenpo-domain does, roughly: ＰＩＮ finds PIN. */
function faq(query: string): FaqView_Serialize {
  const needle = query.normalize("NFKC").toLowerCase().trim();
  const found = entries.filter((e) => `${e.question}${e.answer}`.normalize("NFKC").toLowerCase().includes(needle));
  return { entries: found, total: entries.length, offline: false };
}

describe("FaqSearch", () => {
  it("lists every question at first, each answer under its question, with its category", async () => {
    const calls = mockCommands({ faq_get: ({ query }) => faq(query as string) });
    render(FaqSearch, { server: null });
    const first = await screen.findByTestId("faq-entry-1");
    expect(first.tagName).toBe("DETAILS");
    expect(first.querySelector("summary")?.textContent).toContain("パスワードを忘れました");
    expect(first.querySelector("summary")?.textContent).toContain("ログイン");
    expect(within(first).getByText(/「パスワードを忘れた」を選んでください/)).toBeTruthy();
    expect(screen.getByTestId("faq-count").textContent?.trim()).toBe("3件中3件");
    expect(calls.of("faq_get")).toEqual([{ server: null, query: "" }]);
    expect((screen.getByTestId("faq-search") as HTMLInputElement).type).toBe("search");
  });

  it("searches as the member types, and says when nothing matches", async () => {
    const calls = mockCommands({ faq_get: ({ query }) => faq(query as string) });
    render(FaqSearch, { server: null });
    await screen.findByTestId("faq-entry-1");
    await fireEvent.input(screen.getByTestId("faq-search"), { target: { value: "ＰＩＮ" } });
    await vi.waitFor(() => expect(screen.getByTestId("faq-count").textContent?.trim()).toBe("3件中1件"));
    expect(screen.getByTestId("faq-entry-2")).toBeTruthy();
    expect(screen.queryByTestId("faq-entry-1")).toBeNull();
    expect(calls.of("faq_get").at(-1)).toEqual({ server: null, query: "ＰＩＮ" });

    await fireEvent.input(screen.getByTestId("faq-search"), { target: { value: "歩数計" } });
    expect((await screen.findByTestId("faq-none")).textContent).toBe("該当する質問はありません");
    expect(screen.getByTestId("faq-count").textContent?.trim()).toBe("3件中0件");
  });

  it("asks the insurer it is given (logged out)", async () => {
    const calls = mockCommands({ faq_get: ({ query }) => faq(query as string) });
    render(FaqSearch, { server: "https://kenpo.example.jp" });
    await screen.findByTestId("faq-entry-1");
    expect(calls.of("faq_get")).toEqual([{ server: "https://kenpo.example.jp", query: "" }]);
  });

  it("shows only the last search's answer, whatever order they come in", async () => {
    const slow = deferred<FaqView_Serialize>();
    mockCommands({ faq_get: ({ query }) => (query === "パ" ? slow.promise : faq(query as string)) });
    render(FaqSearch, { server: null });
    await screen.findByTestId("faq-entry-1");
    await fireEvent.input(screen.getByTestId("faq-search"), { target: { value: "パ" } });
    await fireEvent.input(screen.getByTestId("faq-search"), { target: { value: "PIN" } });
    await vi.waitFor(() => expect(screen.getByTestId("faq-count").textContent?.trim()).toBe("3件中1件"));
    slow.resolve(faq(""));
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.getByTestId("faq-count").textContent?.trim()).toBe("3件中1件");
  });

  it("says when the questions are those last fetched", async () => {
    mockCommands({ faq_get: () => ({ ...faq(""), offline: true }) });
    render(FaqSearch, { server: null });
    expect((await screen.findByTestId("faq-offline")).textContent).toBe(ja["faq.offline"]);
    expect(screen.getAllByTestId(/^faq-entry-/)).toHaveLength(3);
  });

  it("says why the FAQ could not be had", async () => {
    mockCommands({ faq_get: () => fail("offline", { offline: "timeout" }) });
    render(FaqSearch, { server: "https://kenpo.example.jp" });
    expect((await screen.findByTestId("faq-error")).textContent).toBe(ja["offline.timeout"]);
  });
});
