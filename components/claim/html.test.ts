import { describe, expect, it } from "vitest";
import { html } from "./html";

describe("html", () => {
  it("escapes every interpolated string, including attribute quotes", () => {
    const name = `"><script>alert(1)</script>`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
  });

  it("nests trusted fragments and lists, and drops empty parts", () => {
    const items = ["a", "<b>"].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${false}${null}</ul>`.value).toBe(
      "<ul><li>a</li><li>&lt;b&gt;</li></ul>",
    );
  });
});
