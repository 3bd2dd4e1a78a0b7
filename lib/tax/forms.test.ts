import { describe, expect, it } from "vitest";
import { isPlausibleBirthDate, isValidEin, isValidSsnOrItin, maskTin, w9Schema } from "./forms";

describe("taxpayer identification numbers", () => {
  it("accepts SSNs and ITINs by their published rules, without a checksum", () => {
    for (const ok of ["123-45-6789", "123456789", "001 01 0001", "912-70-1234", "999-99-9999"]) {
      expect(isValidSsnOrItin(ok), ok).toBe(true);
    }
    for (const bad of [
      "000-12-3456",
      "666-12-3456",
      "123-00-4567",
      "123-45-0000",
      "912-93-1234",
      "12345678",
      "12a456789",
    ]) {
      expect(isValidSsnOrItin(bad), bad).toBe(false);
    }
  });

  it("accepts EINs whose prefix the IRS assigns", () => {
    expect(isValidEin("12-3456789")).toBe(true);
    expect(isValidEin("987654321")).toBe(true);
    for (const bad of ["00-1234567", "07-1234567", "89-1234567", "97-1234567", "12-345678"]) {
      expect(isValidEin(bad), bad).toBe(false);
    }
  });

  it("masks a TIN to its last four, in the shape of its kind", () => {
    expect(maskTin("ssn", "6789")).toBe("•••-••-6789");
    expect(maskTin("ein", "6789")).toBe("••-•••6789");
    expect(maskTin("foreign", "8901")).toBe("••••8901");
    expect(maskTin(null, null)).toBe("—");
  });

  it("stores the W-9's TIN as digits and reports every problem at once", () => {
    const base = {
      name: "Maya Chen",
      entityType: "individual",
      tinType: "ein",
      tin: "12-3456789",
      addressLine1: "1 Main St",
      city: "Austin",
      state: "tx",
      postalCode: "73301-0001",
      certify: true,
      signatureName: "Maya  Chen",
    };
    expect(w9Schema.parse(base)).toMatchObject({ tin: "123456789", state: "TX" });
    const result = w9Schema.safeParse({ ...base, tin: "07-1234567", state: "XX", certify: false });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message]).sort()).toEqual([
      ["certify", "tax.errors.certify_required"],
      ["state", "tax.errors.state_invalid"],
      ["tin", "tax.errors.ein_invalid"],
    ]);
  });

  it("takes a real past date of birth only", () => {
    const today = new Date("2026-06-01T00:00:00Z");
    expect(isPlausibleBirthDate("1988-02-29", today)).toBe(true);
    expect(isPlausibleBirthDate("1989-02-29", today)).toBe(false);
    expect(isPlausibleBirthDate("2027-01-01", today)).toBe(false);
    expect(isPlausibleBirthDate("1899-12-31", today)).toBe(false);
  });
});
