import { afterEach, describe, expect, it, vi } from "vitest";
import type { CommandError_Serialize, CommandErrorCode } from "../bindings";
import { call, routeSessionErrors, type Answer } from "./call";

const refused = (code: CommandErrorCode, api_code: CommandError_Serialize["api_code"] = null): Answer<number> => ({
  status: "error",
  error: { code, message: "words the UI never reads", api_code, field: null, offline: null, wait_secs: null, retry_after: null },
});

function app(loggedOut = false) {
  return {
    locked: vi.fn(),
    noProfile: vi.fn(),
    passwordChangeDue: vi.fn(),
    loggedOut: vi.fn(() => loggedOut),
  };
}

let stop = () => {};
afterEach(() => stop());

describe("call", () => {
  it("routes locked, no_profile and password_change_required to the app, and the screen sees `routed`", async () => {
    const routes = app();
    stop = routeSessionErrors(routes);
    expect((await call(Promise.resolve(refused("locked")))).status).toBe("routed");
    expect(routes.locked).toHaveBeenCalledTimes(1);
    expect((await call(Promise.resolve(refused("no_profile")))).status).toBe("routed");
    expect(routes.noProfile).toHaveBeenCalledTimes(1);
    expect((await call(Promise.resolve(refused("insurer", "password_change_required")))).status).toBe("routed");
    expect(routes.passwordChangeDue).toHaveBeenCalledTimes(1);
    expect(routes.loggedOut).not.toHaveBeenCalled();
  });

  it("tells the app of an ended session; the screen keeps the error unless the app went elsewhere", async () => {
    const staying = app(false);
    stop = routeSessionErrors(staying);
    expect((await call(Promise.resolve(refused("logged_out")))).status).toBe("error");
    expect((await call(Promise.resolve(refused("insurer", "unauthorized")))).status).toBe("error");
    expect(staying.loggedOut).toHaveBeenCalledTimes(2);
    stop();

    const leaving = app(true);
    stop = routeSessionErrors(leaving);
    expect((await call(Promise.resolve(refused("logged_out")))).status).toBe("routed");
  });

  it("leaves every other answer to the screen", async () => {
    const routes = app();
    stop = routeSessionErrors(routes);
    expect(await call(Promise.resolve<Answer<number>>({ status: "ok", data: 7 }))).toEqual({ status: "ok", data: 7 });
    const validation = refused("validation");
    expect(await call(Promise.resolve(validation))).toEqual(validation);
    expect((await call(Promise.resolve(refused("insurer", "invalid_credentials")))).status).toBe("error");
    expect((await call(Promise.resolve(refused("offline")))).status).toBe("error");
    for (const route of Object.values(routes)) expect(route).not.toHaveBeenCalled();
  });

  it("routes nothing once the app has stopped listening", async () => {
    const routes = app();
    routeSessionErrors(routes)();
    expect((await call(Promise.resolve(refused("locked")))).status).toBe("error");
    expect(routes.locked).not.toHaveBeenCalled();
  });
});
