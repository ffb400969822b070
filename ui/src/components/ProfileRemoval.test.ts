import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProfileRemoval_Serialize, ProfilesView_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { hanako, type Handler, mockCommands, profilesView } from "../test/ipc";
import ProfileRemoval from "./ProfileRemoval.svelte";

afterEach(() => clearMocks());

const taro = { ...hanako, id: "m2-0000000000000002", login_id: "U123456", nickname: null };
const files = ["/home/hanako/.local/share/kenpo-desk/profiles/m1.db", "/home/hanako/.local/share/kenpo-desk/profiles/m1.key"];

function removal(change: Partial<ProfileRemoval_Serialize> = {}): ProfileRemoval_Serialize {
  return { insurer_name: hanako.insurer_name, login_id: hanako.login_id, nickname: hanako.nickname, unsent: 0, files, ...change };
}

function show(handlers: Record<string, Handler> = {}) {
  let view: ProfilesView_Serialize = profilesView({ profiles: [hanako, taro], active: hanako });
  const onremovedactive = vi.fn();
  const calls = mockCommands({
    profiles_get: () => view,
    profile_removal_get: ({ id }) =>
      id === taro.id ? removal({ login_id: taro.login_id, nickname: null, files: [] }) : removal({ unsent: 3 }),
    profile_remove: ({ id }) => {
      view = { ...view, profiles: view.profiles.filter((p) => p.id !== id), active: view.active?.id === id ? null : view.active };
      return removal();
    },
    ...handlers,
  });
  render(ProfileRemoval, { onremovedactive });
  return { calls, onremovedactive };
}

describe("ProfileRemoval", () => {
  it("lists this PC's profiles, the one in use marked", async () => {
    show();
    const first = await screen.findByTestId("profile-0");
    expect(first.textContent).toContain("はなこ");
    expect(first.textContent).toContain("けんぽ健康保険組合");
    expect(within(first).getByTestId("profile-active").textContent).toBe(ja["profiles.active"]);
    expect(within(screen.getByTestId("profile-1")).queryByTestId("profile-active")).toBeNull();
  });

  it("names what goes before removing, with the records not sent yet and the files", async () => {
    const { calls } = show();
    await fireEvent.click(await screen.findByTestId("profile-remove-0"));
    const confirm = await screen.findByTestId("profile-remove-confirm");
    expect(within(confirm).getByTestId("profile-remove-text").textContent?.trim()).toBe(
      "「けんぽ健康保険組合」の hanako@example.jp（はなこ）の記録をこのPCから削除します。保険者のサーバーの記録は消えません。",
    );
    expect(within(confirm).getByTestId("profile-remove-unsent").textContent).toBe(
      "まだ送信されていない記録が3件あります。削除すると失われます。",
    );
    expect(within(confirm).getByTestId("profile-remove-files").textContent).toContain("m1.db");
    expect(calls.of("profile_removal_get")).toEqual([{ id: hanako.id }]);
    expect(document.activeElement).toBe(screen.getByTestId("profile-remove-no"));

    await fireEvent.click(screen.getByTestId("profile-remove-no"));
    expect(screen.queryByTestId("profile-remove-confirm")).toBeNull();
    expect(calls.of("profile_remove")).toEqual([]);
  });

  it("removes another profile and lists what is left", async () => {
    const { calls, onremovedactive } = show();
    await fireEvent.click(await screen.findByTestId("profile-remove-1"));
    const confirm = await screen.findByTestId("profile-remove-confirm");
    expect(within(confirm).getByTestId("profile-remove-text").textContent?.trim()).toBe(
      "「けんぽ健康保険組合」の U123456 の記録をこのPCから削除します。保険者のサーバーの記録は消えません。",
    );
    expect(within(confirm).queryByTestId("profile-remove-unsent")).toBeNull();
    await fireEvent.click(screen.getByTestId("profile-remove-yes"));
    await vi.waitFor(() => expect(screen.queryByTestId("profile-1")).toBeNull());
    expect(calls.of("profile_remove")).toEqual([{ id: taro.id }]);
    expect(screen.getByTestId("profile-removed")).toBeTruthy();
    expect(onremovedactive).not.toHaveBeenCalled();
  });

  it("removing the profile in use goes the way of a logout", async () => {
    const { calls, onremovedactive } = show();
    await fireEvent.click(await screen.findByTestId("profile-remove-0"));
    await fireEvent.click(await screen.findByTestId("profile-remove-yes"));
    await vi.waitFor(() => expect(onremovedactive).toHaveBeenCalledTimes(1));
    expect(calls.of("profile_remove")).toEqual([{ id: hanako.id }]);
  });
});
