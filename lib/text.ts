import type { z } from "zod";

/**
 * Text that cannot be stored as it was sent. PostgreSQL refuses NUL in `text` and
 * `jsonb`; a lone UTF-16 surrogate is not a character at all (encoded it silently becomes
 * U+FFFD, escaped in `jsonb` it fails the write); other C0 control characters are never
 * meant in names, ids or URLs and confuse every line-based format they reach. Tab, line
 * feed and carriage return stay allowed here; single-line fields refuse the last two.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be accepted anywhere, or null. */
export function unsafeTextReason(text: string): string | null {
  if (text.includes("\u0000")) return "text without NUL characters (\\u0000)";
  if (CONTROL.test(text)) return "text without control characters";
  if (LONE_SURROGATE.test(text)) return "valid Unicode text (no unpaired UTF-16 surrogates)";
  return null;
}

const MAX_REPORTED = 20;

/** A field's problem, shaped as lib/errors' `FieldError` (which imports this file). */
type TextProblem = { path: string; message: string };

/**
 * Every string (and object key) in a parsed JSON value, query or path that cannot be
 * accepted, by path. It walks with its own stack, so no nesting depth can overflow it.
 * The one check every input passes before its schema (`parseOrThrow`, `parseInput`),
 * so a new field can never forget it.
 */
export function unsafeTextIn(input: unknown): TextProblem[] {
  const errors: TextProblem[] = [];
  const stack: { value: unknown; path: string[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0 && errors.length < MAX_REPORTED) {
    const { value, path } = stack.pop() as { value: unknown; path: string[] };
    if (typeof value === "string") {
      const reason = unsafeTextReason(value);
      if (reason) errors.push({ path: path.join("."), message: `expected ${reason}` });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], path: [...path, String(i)] });
      }
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const reason = unsafeTextReason(key);
        if (reason) {
          errors.push({ path: [...path, printable(key)].join("."), message: `a key of ${reason}` });
        } else {
          stack.push({ value: child, path: [...path, key] });
        }
      }
    }
  }
  return errors.slice(0, MAX_REPORTED);
}

/** A key shown in an error message without the characters that made it unacceptable. */
function printable(key: string): string {
  return JSON.stringify(key).slice(1, -1);
}

/** No line break of any kind: CR, LF, NEL or the Unicode line and paragraph separators. */
export const SINGLE_LINE = /^[^\r\n\u0085\u2028\u2029]*$/;

/**
 * A field that is one line: a name, an id, a URL. A line break in one would start a new
 * header in a mail or a new line in any text it is written into, so it is refused (and
 * the refusal is documented, as the schema's `pattern`).
 */
export function singleLine<S extends z.ZodString>(schema: S): S {
  return schema.regex(SINGLE_LINE, { error: "a single line (no line breaks)", abort: true });
}
