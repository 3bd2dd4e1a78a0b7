import { describe, expect, it } from "vitest";
import { open, seal } from "./secret-box";

process.env.AUTH_SECRET ??= "test-secret-for-the-secret-box-000000000000";

describe("secret box", () => {
  it("round-trips a secret and never stores it in the clear", () => {
    const sealed = seal("whsec_c2VjcmV0", "webhook_endpoint:we_1");
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain("c2VjcmV0");
    expect(open(sealed, "webhook_endpoint:we_1")).toBe("whsec_c2VjcmV0");
    expect(seal("whsec_c2VjcmV0", "webhook_endpoint:we_1")).not.toBe(sealed);
  });

  it("refuses a value sealed for another row or tampered with", () => {
    const sealed = seal("whsec_c2VjcmV0", "webhook_endpoint:we_1");
    expect(() => open(sealed, "webhook_endpoint:we_2")).toThrow();
    const bytes = Buffer.from(sealed.slice(3), "base64url");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => open(`v1.${bytes.toString("base64url")}`, "webhook_endpoint:we_1")).toThrow();
  });
});
