import { describe, expect, it } from "vitest";
import { ExpressionError, evaluate, evaluateKey, matches, validateExpression } from "./expressions";

const event = {
  name: "payout/created",
  data: { organisationId: "org_1", mode: "live", amount: 500, n: 3 },
};

describe("expressions", () => {
  it("compares fields with string and number literals", () => {
    expect(matches("event.data.mode == 'live'", { event })).toBe(true);
    expect(matches('event.data.mode != "live"', { event })).toBe(false);
    expect(matches("event.data.amount >= 500 && event.data.amount < 1000", { event })).toBe(true);
    expect(matches("event.data.mode == 'test' || event.data.n == 3", { event })).toBe(true);
    expect(matches("!(event.data.mode == 'live')", { event })).toBe(false);
  });

  it("matches an async event against the triggering one", () => {
    const async = { name: "claim/accepted", data: { id: "cl_1" } };
    expect(
      matches("async.data.id == event.data.id", { event: { data: { id: "cl_1" } }, async }),
    ).toBe(true);
    expect(
      matches("async.data.id == event.data.id", { event: { data: { id: "cl_2" } }, async }),
    ).toBe(false);
  });

  it("builds concurrency keys by joining fields", () => {
    expect(evaluateKey("event.data.organisationId + '-' + event.data.mode", { event })).toBe(
      "org_1-live",
    );
    expect(evaluateKey("event.data.n + '-' + event.data.organisationId", { event })).toBe(
      "3-org_1",
    );
    expect(evaluateKey("event.data.missing", { event })).toBe("");
    expect(evaluate("event.data['organisationId']", { event })).toBe("org_1");
  });

  it("treats missing fields as absent rather than failing", () => {
    expect(matches("event.data.nothing.deeper == 'x'", { event })).toBe(false);
    expect(matches("event.data.nothing != 'x'", { event })).toBe(true);
  });

  it("refuses anything outside the subset, and never runs code", () => {
    expect(() => validateExpression("process.exit(1)")).toThrow(ExpressionError);
    expect(() => validateExpression("event.data.x == ")).toThrow(ExpressionError);
    expect(() => validateExpression("event.data.x = 1")).toThrow(ExpressionError);
    expect(() => validateExpression("'unterminated")).toThrow(ExpressionError);
    expect(matches("event.constructor.name == 'Object'", { event })).toBe(false);
    expect(evaluate("event.__proto__", { event })).toBeUndefined();
  });
});
