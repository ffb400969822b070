import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NoticeItem, NoticesView } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, fakeRoutes, mockCommands } from "../test/ipc";
import NoticesScreen from "./NoticesScreen.svelte";

afterEach(() => clearMocks());

/** Newest first, as the core answers; the first one was posted after 15:00 UTC, the next JST day. */
const items: NoticeItem[] = [
  {
    notice: { id: 12, title: "年末年始の窓口について", body: "12月29日から1月3日まで\n窓口はお休みです。", published_at: "2026-12-01T15:30:00Z" },
    read: false,
  },
  {
    notice: { id: 11, title: "秋のウォーキングの結果", body: "ご参加ありがとうございました。", published_at: "2026-11-20T10:00:00+09:00" },
    read: true,
  },
];

const view = (notices: NoticeItem[]): NoticesView => ({ notices, unread: notices.filter((item) => !item.read).length });

function show(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  const onunread = vi.fn<(count: number) => void>();
  const calls = mockCommands(handlers);
  render(NoticesScreen, { onunread });
  return { calls, onunread };
}

describe("NoticesScreen", () => {
  it("lists the notices newest first, with their JST day and a mark on the unread ones", async () => {
    const { onunread } = show({ notices_get: () => view(items) });
    const shown = await screen.findAllByTestId("notice");
    expect(shown.map((item) => item.dataset.id)).toEqual(["12", "11"]);
    expect(shown.map((item) => item.dataset.read)).toEqual(["false", "true"]);
    expect(shown.map((item) => item.querySelector("time")?.textContent)).toEqual(["2026/12/02", "2026/11/20"]);
    expect(within(shown[0] as HTMLElement).getByTestId("notice-unread").textContent).toBe(ja["notices.unread"]);
    expect(within(shown[1] as HTMLElement).queryByTestId("notice-unread")).toBeNull();
    expect(screen.queryByTestId("notice-body")).toBeNull();
    expect(onunread).toHaveBeenLastCalledWith(1);
  });

  it("opens an unread notice: its body shows, the core marks it read, and the count follows", async () => {
    let notices = items;
    const { calls, onunread } = show({
      notices_get: () => view(notices),
      notice_read: ({ id }) => {
        notices = notices.map((item) => (item.notice.id === id ? { ...item, read: true } : item));
        return view(notices);
      },
    });
    const [first] = await screen.findAllByTestId("notice");
    const open = within(first as HTMLElement).getByTestId("notice-open");
    expect(open.textContent).toBe("年末年始の窓口について");
    await fireEvent.click(open);
    expect(within(first as HTMLElement).getByTestId("notice-body").textContent).toBe("12月29日から1月3日まで\n窓口はお休みです。");
    expect(open.getAttribute("aria-expanded")).toBe("true");
    await vi.waitFor(() => expect(screen.getAllByTestId("notice")[0]?.dataset.read).toBe("true"));
    expect(calls.of("notice_read")).toEqual([{ id: 12 }]);
    expect(screen.queryByTestId("notice-unread")).toBeNull();
    expect(onunread).toHaveBeenLastCalledWith(0);

    // Closing and opening again, or opening a read one, asks nothing more.
    await fireEvent.click(open);
    expect(screen.queryByTestId("notice-body")).toBeNull();
    await fireEvent.click(open);
    await fireEvent.click(within(screen.getAllByTestId("notice")[1] as HTMLElement).getByTestId("notice-open"));
    expect(screen.getAllByTestId("notice-body")).toHaveLength(2);
    expect(calls.of("notice_read")).toHaveLength(1);
  });

  it("says so when there are no notices yet", async () => {
    const { onunread } = show({ notices_get: () => view([]) });
    expect((await screen.findByTestId("notices-empty")).textContent).toBe(ja["notices.empty"]);
    expect(screen.queryByTestId("notice")).toBeNull();
    expect(onunread).toHaveBeenLastCalledWith(0);
  });

  it("says what went wrong, and tries again when asked", async () => {
    let broken = true;
    show({ notices_get: () => (broken ? fail("local_database") : view(items)) });
    expect((await screen.findByRole("alert")).textContent).toBe(ja["error.local_database"]);
    broken = false;
    await fireEvent.click(screen.getByRole("button", { name: ja["common.retry"] }));
    expect(await screen.findAllByTestId("notice")).toHaveLength(2);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("hands a locked app to the lock screen, and shows nothing of its own for it", async () => {
    const routes = fakeRoutes();
    show({ notices_get: () => fail("locked") });
    await vi.waitFor(() => expect(routes.locked).toHaveBeenCalled());
    expect(screen.queryByTestId("notices-error")).toBeNull();
  });
});
