import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import "../lib/i18n";
import { addDays, todayJst } from "../lib/jst";
import ja from "../locales/ja.json";
import { fail, type Handler, mockCommands } from "../test/ipc";
import ReportsSection from "./ReportsSection.svelte";

afterEach(() => clearMocks());

function show(handlers: Record<string, Handler>) {
  const calls = mockCommands(handlers);
  render(ReportsSection);
  return calls;
}

const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

describe("ReportsSection", () => {
  it("says what the last report came to: a refusal gives way to the next report's points", async () => {
    let refuse = true;
    show({
      report_send: () => (refuse ? fail("insurer", { api_code: "already_reported" }) : { report_id: 3, points_granted: [{ date: todayJst(), code: "secondary_exam", points: 500 }] }),
    });
    await fireEvent.click(screen.getByTestId("report-flu-send"));
    expect(await screen.findByTestId("report-error")).toBeTruthy();
    refuse = false;
    await fireEvent.click(screen.getByTestId("report-exam-send"));
    expect((await screen.findByTestId("report-done")).textContent?.trim()).toBe("報告しました。500ポイントを獲得しました");
    expect(screen.getByTestId("report-done").dataset.kind).toBe("secondary_exam");
    expect(screen.queryByTestId("report-error")).toBeNull();
  });

  it("reports a flu vaccination on today (Japan's day) and says at once what it earned", async () => {
    const calls = show({
      report_send: ({ date }) => ({ report_id: 9, points_granted: [{ date, code: "flu_vaccine", points: 300 }] }),
    });
    expect(input("report-flu-date").value).toBe(todayJst());
    expect(input("report-flu-date").max).toBe(todayJst());
    await fireEvent.input(input("report-flu-date"), { target: { value: "2026-11-02" } });
    await fireEvent.click(screen.getByTestId("report-flu-send"));
    const done = await screen.findByTestId("report-done");
    expect(done.textContent?.trim()).toBe("報告しました。300ポイントを獲得しました");
    expect(done.getAttribute("role")).toBe("status");
    expect(calls.of("report_send")).toEqual([{ kind: "flu_vaccine", date: "2026-11-02", clinic: null }]);
  });

  it("reports a secondary exam with its clinic; one that earns nothing says so", async () => {
    const calls = show({ report_send: () => ({ report_id: 10, points_granted: [] }) });
    await fireEvent.input(input("report-exam-clinic"), { target: { value: "  けんぽクリニック " } });
    await fireEvent.click(screen.getByTestId("report-exam-send"));
    expect((await screen.findByTestId("report-done")).textContent?.trim()).toBe("報告しました（ポイントの対象外です）");
    expect(calls.of("report_send")).toEqual([{ kind: "secondary_exam", date: todayJst(), clinic: "けんぽクリニック" }]);
    expect(input("report-exam-clinic").value).toBe("");
  });

  it("sends no clinic when none is given", async () => {
    const calls = show({ report_send: () => ({ report_id: 11, points_granted: [] }) });
    await fireEvent.click(screen.getByTestId("report-exam-send"));
    await screen.findByTestId("report-done");
    expect(calls.of("report_send")).toEqual([{ kind: "secondary_exam", date: todayJst(), clinic: null }]);
  });

  it("says a report of this fiscal year is in already", async () => {
    show({ report_send: () => fail("insurer", { api_code: "already_reported" }) });
    await fireEvent.click(screen.getByTestId("report-flu-send"));
    const refused = await screen.findByTestId("report-error");
    expect(refused.textContent?.trim()).toBe("今年度はすでに報告済みです");
    expect(refused.getAttribute("role")).toBe("alert");
    expect(screen.queryByTestId("report-done")).toBeNull();
  });

  it("puts a refused date or clinic beside its field", async () => {
    let refusal: () => never = () => fail("validation", { field: "date" });
    show({ report_send: () => refusal() });
    await fireEvent.click(screen.getByTestId("report-exam-send"));
    expect((await screen.findByTestId("report-exam-date-error")).textContent?.trim()).toBe(ja["error.validation.date"]);
    expect(input("report-exam-date").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(input("report-exam-date"));

    refusal = () => fail("validation", { field: "clinic" });
    await fireEvent.click(screen.getByTestId("report-exam-send"));
    expect((await screen.findByTestId("report-exam-clinic-error")).textContent?.trim()).toBe(ja["error.validation.clinic"]);
    expect(screen.queryByTestId("report-exam-date-error")).toBeNull();
  });

  it("does not send a day after today, nor a clinic over 100 characters", async () => {
    const calls = show({});
    await fireEvent.input(input("report-flu-date"), { target: { value: addDays(todayJst(), 1) } });
    await fireEvent.click(screen.getByTestId("report-flu-send"));
    expect((await screen.findByTestId("report-flu-date-error")).textContent?.trim()).toBe(ja["error.validation.date"]);
    await fireEvent.input(input("report-exam-clinic"), { target: { value: "医".repeat(101) } });
    await fireEvent.click(screen.getByTestId("report-exam-send"));
    expect(await screen.findByTestId("report-exam-clinic-error")).toBeTruthy();
    expect(calls.of("report_send")).toEqual([]);
  });

  it("says why the insurer could not be reached", async () => {
    show({ report_send: () => fail("offline", { offline: "no_connection" }) });
    await fireEvent.click(screen.getByTestId("report-flu-send"));
    expect((await screen.findByTestId("report-error")).textContent?.trim()).toBe(ja["offline.no_connection"]);
  });
});
