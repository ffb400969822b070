import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, type Handler, mockCommands } from "../test/ipc";
import { accountView } from "../test/settings";
import InquiryForm from "./InquiryForm.svelte";

afterEach(() => clearMocks());

const SERVER = "https://kenpo.example.jp";
const field = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

async function fill(body = "パスワードを忘れました。再設定のメールが届きません。", email = "taro@example.jp"): Promise<void> {
  await fireEvent.change(field("inquiry-category"), { target: { value: "forgot_password" } });
  await fireEvent.input(field("inquiry-body"), { target: { value: body } });
  await fireEvent.input(field("inquiry-email"), { target: { value: email } });
}

function show(server: string | null, handlers: Record<string, Handler>) {
  const calls = mockCommands(handlers);
  render(InquiryForm, { server });
  return calls;
}

describe("InquiryForm", () => {
  it("offers the kinds of inquiry in the member's words, パスワードを忘れた first when logged out", () => {
    show(SERVER, {});
    const options = [...(field("inquiry-category") as unknown as HTMLSelectElement).options].map((o) => o.textContent);
    expect(options).toEqual(["パスワードを忘れた", "利用登録について", "ポイントについて", "商品交換について", "その他"]);
    expect(field("inquiry-category").value).toBe("forgot_password");
  });

  it("logged out, sends to the insurer it is given and says the receipt number", async () => {
    const calls = show(SERVER, { inquiry_send: () => ({ inquiry_id: 42 }) });
    await fill();
    expect(screen.getByTestId("inquiry-body-count").textContent?.trim()).toBe("26 / 4,000文字");
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    expect((await screen.findByTestId("inquiry-done")).textContent).toBe("お問い合わせを受け付けました（受付番号 42）");
    expect(calls.of("inquiry_send")).toEqual([
      {
        server: SERVER,
        inquiry: { category: "forgot_password", body: "パスワードを忘れました。再設定のメールが届きません。", contact_email: "taro@example.jp" },
      },
    ]);
    expect(calls.of("account_get"), "logged out: no account to ask").toEqual([]);
    expect(field("inquiry-body").value).toBe("");
  });

  it.each([
    [600, "送信が多すぎます。あと約10分待ってからお試しください"],
    [61, "送信が多すぎます。あと約2分待ってからお試しください"],
    [45, "送信が多すぎます。あと約45秒待ってからお試しください"],
  ])("too many inquiries (retry after %i s): says how long to wait", async (retry_after, text) => {
    show(SERVER, { inquiry_send: () => fail("insurer", { api_code: "rate_limited", retry_after }) });
    await fill();
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    expect((await screen.findByTestId("inquiry-wait")).textContent?.trim()).toBe(text);
    expect(screen.queryByTestId("inquiry-done")).toBeNull();
  });

  it("puts a malformed reply address and a refused question beside their fields", async () => {
    let refusal: () => never = () => fail("insurer", { api_code: "invalid_email", field: "contact_email" });
    show(SERVER, { inquiry_send: () => refusal() });
    await fill("質問", "taro@@example");
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    expect((await screen.findByTestId("inquiry-email-error")).textContent?.trim()).toBe(ja["error.invalid_email"]);
    expect(document.activeElement).toBe(field("inquiry-email"));

    refusal = () => fail("insurer", { api_code: "validation", field: "body" });
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    expect((await screen.findByTestId("inquiry-body-error")).textContent?.trim()).toBe(ja["error.validation.body"]);
  });

  it("asks for what is missing, and a question of 4,000 characters at most, before sending", async () => {
    const calls = show(SERVER, {});
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    expect((await screen.findByTestId("inquiry-body-error")).textContent?.trim()).toBe(ja["inquiry.body.required"]);
    expect(document.activeElement).toBe(field("inquiry-body"));
    expect(screen.getByTestId("inquiry-email-error")).toBeTruthy();
    await fill("あ".repeat(4001));
    expect(screen.getByTestId("inquiry-body-count").textContent?.trim()).toBe("4,001 / 4,000文字");
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    expect((await screen.findByTestId("inquiry-body-error")).textContent?.trim()).toBe(ja["error.validation.body"]);
    expect(calls.of("inquiry_send")).toEqual([]);
  });

  it("logged in, starts the reply address as the account's notification address", async () => {
    const calls = show(null, { account_get: () => accountView(), inquiry_send: () => ({ inquiry_id: 7 }) });
    await vi.waitFor(() => expect(field("inquiry-email").value).toBe("hanako@example.jp"));
    expect(field("inquiry-category").value, "logged in: その他 at first").toBe("other");
    await fireEvent.change(field("inquiry-category"), { target: { value: "points" } });
    await fireEvent.input(field("inquiry-body"), { target: { value: "ポイントが付きません" } });
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    await screen.findByTestId("inquiry-done");
    expect(calls.of("inquiry_send")).toEqual([
      { server: null, inquiry: { category: "points", body: "ポイントが付きません", contact_email: "hanako@example.jp" } },
    ]);
  });

  it("logged in and offline, leaves the reply address for the member to type", async () => {
    const calls = show(null, { account_get: () => fail("offline", { offline: "no_connection" }) });
    await vi.waitFor(() => expect(calls.of("account_get")).toHaveLength(1));
    expect(field("inquiry-email").value).toBe("");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
