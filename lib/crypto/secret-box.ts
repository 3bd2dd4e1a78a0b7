import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { config } from "@/lib/config";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A key derived from AUTH_SECRET for `purpose` only, so the session secret itself never
 * encrypts anything. Changing AUTH_SECRET makes sealed values unreadable.
 */
export function derivedKey(purpose = "secret-box/v1"): Buffer {
  const secret = config().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set; secrets cannot be sealed or opened");
  return Buffer.from(hkdfSync("sha256", secret, "disburse", purpose, 32));
}

/**
 * AES-256-GCM with a fresh IV; `context` is authenticated data, so a sealed value copied
 * onto another row (or another chunk of a file) does not open there. Returns the IV,
 * the tag and the ciphertext in one buffer.
 */
export function encryptBytes(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The inverse of `encryptBytes`; throws when the key, the context or a byte is wrong. */
export function decryptBytes(key: Buffer, sealed: Buffer, context: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/**
 * Encrypts a secret we must be able to read back (webhook signing secrets) with
 * AES-256-GCM. `context` (e.g. the row id) is authenticated data: a sealed value copied
 * onto another row does not open there.
 */
export function seal(plaintext: string, context: string): string {
  const sealed = encryptBytes(derivedKey(), Buffer.from(plaintext, "utf8"), context);
  return `${VERSION}.${sealed.toString("base64url")}`;
}

export function open(sealed: string, context: string): string {
  const [version, payload] = sealed.split(".");
  if (version !== VERSION || !payload) throw new Error("Not a sealed value");
  return decryptBytes(derivedKey(), Buffer.from(payload, "base64url"), context).toString("utf8");
}
