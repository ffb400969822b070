import { describe, expect, it } from "vitest";
import { linksInMail, readDeepLink, readLink, targetOf, tokenFromLink } from "./links";

const token = "AbCdEf0123456789_-xyz";

/** A mail as the insurer writes it (kenpo-insurer's `mails::registration`). */
const registrationMail = `けんぽ健康保険組合です。

新規利用登録のお申し込みを受け付けました。
3時間以内に、次のリンクから本人確認へお進みください。

アプリで開く:
kenpodesk://register/identity?token=${token}

リンクが開けない場合は、けんぽデスクの「コードを貼り付け」に次のコードを入力してください。
コード: ${token}

お心当たりのない場合は、このメールを破棄してください。
`;

describe("tokenFromLink", () => {
  it("reads the token as kenpo-domain's token_from_link does", () => {
    const cases: [string, string | null][] = [
      [`kenpodesk://register/identity?token=${token}`, token],
      [`https://kenpo.example.jp/register/identity?lang=ja&token=${token}#top`, token],
      [`  ${token}\n`, token],
      ["https://kenpo.example.jp/register/identity", null],
      ["kenpodesk://register/identity?token=short", null],
      ["not a token at all", null],
      [`kenpodesk://register/identity?token=${token}!`, null],
      ["a".repeat(16), "a".repeat(16)],
      ["a".repeat(15), null],
      ["a".repeat(256), "a".repeat(256)],
      ["a".repeat(257), null],
    ];
    for (const [pasted, expected] of cases) expect(tokenFromLink(pasted), pasted).toBe(expected);
  });
});

describe("where a link leads", () => {
  it("follows the path of the deep link and of the web link", () => {
    expect(targetOf(`kenpodesk://register/identity?token=${token}`)).toBe("identity");
    expect(targetOf(`kenpodesk://register/auth-key?token=${token}`)).toBe("auth_key");
    expect(targetOf(`kenpodesk://password-reset?token=${token}`)).toBe("password_reset");
    expect(targetOf(`https://kenpo.example.jp/register/auth-key/?token=${token}`)).toBe("auth_key");
    expect(targetOf(`kenpodesk://register/something-else?token=${token}`)).toBeNull();
  });

  it("leaves a bare code to the step that waits for it", () => {
    expect(readLink(` ${token} `)).toEqual({ target: null, token });
    expect(readLink(`kenpodesk://register/auth-key?token=${token}`)).toEqual({ target: "auth_key", token });
    expect(readLink("kenpodesk://register/auth-key")).toBeNull();
  });

  it("takes only our own deep links, with a path it knows", () => {
    expect(readDeepLink(`kenpodesk://register/identity?token=${token}`)).toEqual({ target: "identity", token });
    expect(readDeepLink(token)).toBeNull();
    expect(readDeepLink(`https://kenpo.example.jp/register/identity?token=${token}`)).toBeNull();
    expect(readDeepLink(`kenpodesk://somewhere?token=${token}`)).toBeNull();
  });
});

describe("linksInMail", () => {
  it("finds the link of a mail once, though the mail also gives its code", () => {
    expect(linksInMail(registrationMail)).toEqual([`kenpodesk://register/identity?token=${token}`]);
  });

  it("finds a code that no link carries", () => {
    expect(linksInMail(`コード: ${token}\n`)).toEqual([token]);
    expect(linksInMail("ご登録の案内です。")).toEqual([]);
  });
});
