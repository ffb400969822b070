import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import TextSizeSwitch from "./TextSizeSwitch.svelte";

describe("TextSizeSwitch", () => {
  it("shows 中 and 大 with the current one pressed", () => {
    render(TextSizeSwitch, { value: "medium", onchange: () => {} });
    expect(screen.getByRole("group", { name: "文字サイズ" })).toBeTruthy();
    const medium = screen.getByRole("button", { name: "文字サイズ 中" });
    const large = screen.getByRole("button", { name: "文字サイズ 大" });
    expect(medium.textContent).toBe("中");
    expect(large.textContent).toBe("大");
    expect(medium.getAttribute("aria-pressed")).toBe("true");
    expect(large.getAttribute("aria-pressed")).toBe("false");
  });

  it("asks for 大 when 大 is clicked, and for nothing when the current size is", async () => {
    const onchange = vi.fn();
    render(TextSizeSwitch, { value: "medium", onchange });
    await fireEvent.click(screen.getByRole("button", { name: "文字サイズ 中" }));
    expect(onchange).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole("button", { name: "文字サイズ 大" }));
    expect(onchange).toHaveBeenCalledWith("large");
  });
});
