import { type Locale, localeNames, locales } from "@/i18n/locales";
import { brandPalette } from "@/lib/claims/brand-palette";
import type { FrameBranding } from "./claim-frame";
import { html, SafeHtml } from "./html";

/**
 * The claim link's first page as a complete HTML document that works without JavaScript:
 * it is what every recipient opens, often on a cheap phone over a slow network, so it
 * carries its few styles and one small script inline and nothing else. It mirrors ClaimFrame's look; the
 * later steps (which need React) use ClaimFrame itself.
 */
// system-ui is the phone's own face (Roboto, SF, Segoe UI); a long font stack only costs
// font matching before the first paint.
const css = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:#0f172a;font:16px/1.5 system-ui,sans-serif}
.wrap{max-width:28rem;margin:0 auto;padding-left:1rem;padding-right:1rem}
.skip{position:absolute;left:-9999px}
.skip:focus{left:.5rem;top:.5rem;z-index:10;background:#fff;color:#0f172a;padding:.5rem .75rem;border-radius:.25rem}
header{background:var(--accent);color:var(--on-accent)}
header .wrap{display:flex;align-items:center;gap:.75rem;padding-top:.75rem;padding-bottom:.75rem}
.logo{margin-left:auto;height:2rem;width:auto;max-width:8rem;border-radius:.25rem;background:#fff;object-fit:contain;padding:2px 4px}
.mono{display:flex;align-items:center;justify-content:center;width:2rem;height:2rem;border-radius:.25rem;background:var(--primary);color:var(--on-primary);font-weight:700}
.org{margin:0;font-weight:600}
.test{margin:0;background:#fef3c7;color:#451a03;text-align:center;font-size:.875rem;padding:.375rem 1rem}
main{display:flex;flex-direction:column;gap:1.25rem;padding-top:1.5rem;padding-bottom:1.5rem}
main:focus{outline:none}
h1{margin:0;font-size:1.5rem;line-height:1.25;font-weight:700}
h2{margin:0;font-size:1.125rem;font-weight:600}
p{margin:0}
section{display:flex;flex-direction:column;gap:.75rem}
figure{margin:0;border-left:4px solid var(--primary);background:#f8fafc;border-radius:.5rem;padding:.75rem 1rem}
blockquote{margin:0;color:#1e293b}
figcaption{margin-top:.25rem;font-size:.875rem;color:#334155}
dl{margin:0;display:flex;flex-direction:column;gap:.75rem;border:1px solid #e2e8f0;border-radius:.5rem;padding:.75rem 1rem}
dt{font-size:.875rem;color:#334155}
dd{margin:0;font-weight:500}
.muted{color:#334155;font-weight:400}
.small{font-size:.875rem;color:#334155}
.btn{display:flex;width:100%;min-height:3rem;align-items:center;justify-content:center;border:0;border-radius:.5rem;background:var(--primary);color:var(--on-primary);font:inherit;font-weight:600;padding:.75rem 1rem;cursor:pointer}
.notice{background:#fffbeb;color:#451a03;border-radius:.5rem;padding:.75rem 1rem}
.alert{border:1px solid #fca5a5;background:#fef2f2;color:#450a0a;border-radius:.5rem;padding:1rem}
footer{border-top:1px solid #e2e8f0;display:flex;flex-direction:column;gap:1rem;padding-top:1.5rem;padding-bottom:1.5rem;font-size:.875rem;color:#334155}
footer a{color:var(--primary-text);font-weight:500}
.lang{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.5rem}
.lang label{display:flex;flex-direction:column;gap:.25rem}
select,.btn2{min-height:2.75rem;border:1px solid #94a3b8;border-radius:.375rem;background:#fff;color:#0f172a;font:inherit;padding:0 .5rem}
.btn2{font-weight:500;padding:0 .75rem;cursor:pointer}
.btn:focus-visible,.btn2:focus-visible,select:focus-visible,a:focus-visible{outline:3px solid var(--primary-text);outline-offset:2px}
.code{display:flex;flex-direction:column;gap:.5rem}
.code label{font-weight:500}
.field{min-height:3rem;border:1px solid #64748b;border-radius:.5rem;background:#fff;color:#0f172a;font:inherit;font-size:1.25rem;letter-spacing:.2em;padding:0 .75rem}
.field[aria-invalid=true]{border-color:#b91c1c}
.field:focus-visible{outline:3px solid var(--primary-text);outline-offset:2px}
#code-notice:empty{display:none}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;

/** Asks the landing page for its `<main>` content alone (see `sendInPlace`). */
export const MAIN_ONLY_HEADER = "x-claim-main-only";

/*
 * The one script: "Email me a code" sends without leaving the page. It posts the same
 * form the page would, follows the answer back to this page asking for its content
 * alone (the same page, now with the code field), swaps it in and focuses the field;
 * the address stays, and reloading it shows the same step. Only markup is swapped in,
 * never a stylesheet or script, so the page's CSP nonce still covers everything. Without
 * JavaScript the form posts and the page reloads to the same result.
 */
const sendInPlace = `document.addEventListener("submit",async(e)=>{const f=e.target;if(!(f instanceof HTMLFormElement)||!f.hasAttribute("data-send-code"))return;e.preventDefault();const b=f.querySelector("button");if(b)b.disabled=true;try{const r=await fetch(f.action,{method:"POST",body:new FormData(f),credentials:"same-origin",headers:{"${MAIN_ONLY_HEADER}":"1"}});const here=document.getElementById("main");if(!r.ok||!here||r.headers.get("${MAIN_ONLY_HEADER}")!=="1")throw new Error("reload");here.innerHTML=await r.text();(document.getElementById("code")||here).focus()}catch{f.submit()}});`;

export type DocumentText = {
  title: string;
  skip: string;
  testMode: string;
  /** The support sentence split around the email link. */
  support: { before: string; email: string; after: string } | { plain: string };
  language: string;
  changeLanguage: string;
};

export function claimDocument(input: {
  /** The page's language: its `lang`, and the switcher's choice. */
  language: Locale;
  nonce: string;
  text: DocumentText;
  /** Null for the unbranded "link not valid" page. */
  branding: FrameBranding | null;
  testMode: boolean;
  /** Where the language switcher posts (the landing URL) and where it comes back to. */
  switcher: { action: string; back: string } | null;
  content: SafeHtml;
}): string {
  const { text, branding } = input;
  const palette = brandPalette(branding ?? {});
  // Our own stylesheet plus validated hex colours: trusted, and quotes must survive unescaped.
  const vars = `:root{--primary:${palette.primary};--on-primary:${palette.onPrimary};--primary-text:${palette.primaryText};--accent:${palette.accent};--on-accent:${palette.onAccent}}`;
  // The test-mode banner sits in the banner landmark, so no content is outside one.
  const testBanner = input.testMode ? html`<p class="test">${text.testMode}</p>` : "";
  const header = branding
    ? html`<header><div class="wrap">${
        branding.logoUrl
          ? ""
          : html`<span class="mono" aria-hidden="true">${branding.name.slice(0, 1).toUpperCase()}</span>`
      }<p class="org">${branding.name}</p>${
        branding.logoUrl
          ? html`<img class="logo" src="${branding.logoUrl}" alt="" height="32" referrerpolicy="no-referrer">`
          : ""
      }</div>${testBanner}</header>`
    : testBanner
      ? html`<header>${testBanner}</header>`
      : "";
  const support =
    "plain" in text.support
      ? html`<p>${text.support.plain}</p>`
      : html`<p>${text.support.before}<a href="mailto:${text.support.email}">${text.support.email}</a>${text.support.after}</p>`;
  const switcher = input.switcher
    ? html`<form class="lang" method="post" action="${input.switcher.action}"><input type="hidden" name="intent" value="locale"><input type="hidden" name="back" value="${input.switcher.back}"><label><span>${text.language}</span><select name="locale">${locales.map(
        (l) =>
          html`<option value="${l}" lang="${l}"${l === input.language ? html` selected` : ""}>${localeNames[l]}</option>`,
      )}</select></label><button class="btn2" type="submit">${text.changeLanguage}</button></form>`
    : "";
  const footer = branding ? html`<footer class="wrap">${support}${switcher}</footer>` : "";
  return html`<!doctype html><html lang="${input.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><title>${text.title}</title><link rel="icon" href="data:,"><style nonce="${input.nonce}">${new SafeHtml(css.replace(/\n/g, "") + vars)}</style></head><body><a class="skip" href="#main">${text.skip}</a>${header}<main id="main" class="wrap" tabindex="-1">${input.content}</main>${footer}<script nonce="${input.nonce}">${new SafeHtml(sendInPlace)}</script></body></html>`
    .value;
}
