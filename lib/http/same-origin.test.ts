import { describe, expect, it } from "vitest";
import {
  assertSameOrigin,
  crossOriginRefusal,
  isAddressedToApp,
  isAppOrigin,
  isSameOriginRequest,
  type OriginPolicy,
  signInRefusal,
} from "./same-origin";

const production: OriginPolicy = { appOrigin: "https://pay.example.com", loopbackAliases: false };
const development: OriginPolicy = { appOrigin: "http://localhost:3000", loopbackAliases: true };

const headers = (values: Record<string, string>) => new Headers(values);

describe("isAppOrigin", () => {
  it("accepts APP_URL's origin only, default port or not", () => {
    expect(isAppOrigin("https://pay.example.com", production)).toBe(true);
    expect(isAppOrigin("https://pay.example.com:443", production)).toBe(true);
    for (const other of [
      "http://pay.example.com",
      "https://pay.example.com:8443",
      "https://evil.example",
      "https://pay.example.com.evil.example",
      "null",
      "",
      "not a url",
    ]) {
      expect(isAppOrigin(other, production), other).toBe(false);
    }
  });

  it("lets `npm run dev` use localhost aliases on the same port and scheme only", () => {
    for (const alias of ["http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:3000"]) {
      expect(isAppOrigin(alias, development), alias).toBe(true);
    }
    expect(isAppOrigin("http://127.0.0.1:3001", development)).toBe(false);
    expect(isAppOrigin("https://127.0.0.1:3000", development)).toBe(false);
    expect(isAppOrigin("http://attacker.example:3000", development)).toBe(false);
    expect(isAppOrigin("http://127.0.0.1:3000", { ...development, loopbackAliases: false })).toBe(
      false,
    );
  });
});

describe("isSameOriginRequest", () => {
  it("trusts Origin when present, Sec-Fetch-Site when not, and nothing else", () => {
    expect(isSameOriginRequest(headers({ origin: "https://pay.example.com" }), production)).toBe(
      true,
    );
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "same-origin" }), production)).toBe(
      true,
    );
    expect(isSameOriginRequest(headers({ origin: "http://evil.example" }), production)).toBe(false);
    // Origin wins over a Sec-Fetch-Site that says otherwise.
    expect(
      isSameOriginRequest(
        headers({ origin: "http://evil.example", "sec-fetch-site": "same-origin" }),
        production,
      ),
    ).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "null" }), production)).toBe(false);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "same-site" }), production)).toBe(false);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "cross-site" }), production)).toBe(
      false,
    );
    expect(isSameOriginRequest(headers({}), production)).toBe(false);
  });
});

describe("isAddressedToApp", () => {
  it("reads X-Forwarded-Host before Host, as Next does", () => {
    expect(isAddressedToApp(headers({ host: "pay.example.com" }), production)).toBe(true);
    expect(
      isAddressedToApp(
        headers({ host: "10.0.0.5:3000", "x-forwarded-host": "pay.example.com" }),
        production,
      ),
    ).toBe(true);
    expect(isAddressedToApp(headers({ host: "attacker.example" }), production)).toBe(false);
    expect(
      isAddressedToApp(
        headers({ host: "pay.example.com", "x-forwarded-host": "attacker.example" }),
        production,
      ),
    ).toBe(false);
    // A Host that smuggles another host behind userinfo.
    expect(
      isAddressedToApp(headers({ host: "pay.example.com@attacker.example" }), production),
    ).toBe(false);
    expect(isAddressedToApp(headers({}), production)).toBe(false);
  });
});

describe("refusals", () => {
  it("refuses a sign-in whose Host or Origin is not APP_URL's", () => {
    const ours = { host: "pay.example.com", origin: "https://pay.example.com" };
    expect(signInRefusal(headers(ours), production)).toBeNull();
    expect(
      signInRefusal(
        headers({ host: "attacker.example", origin: "http://attacker.example" }),
        production,
      ),
    ).toMatch(/Sign-in starts only from https:\/\/pay\.example\.com\/login/);
    expect(
      signInRefusal(headers({ ...ours, host: "attacker.example" }), production),
    ).not.toBeNull();
    expect(
      signInRefusal(headers({ ...ours, origin: "http://attacker.example" }), production),
    ).not.toBeNull();
    expect(
      signInRefusal(
        headers({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }),
        development,
      ),
    ).toBeNull();
  });

  it("refuses a cross-origin state change as a 403 that says nothing changed", () => {
    expect(
      crossOriginRefusal(headers({ origin: "https://pay.example.com" }), production),
    ).toBeNull();
    expect(() => assertSameOrigin(headers({ origin: "http://evil.example" }), production)).toThrow(
      expect.objectContaining({
        code: "forbidden",
        status: 403,
        message: expect.stringMatching(/nothing was changed/),
      }),
    );
  });
});
