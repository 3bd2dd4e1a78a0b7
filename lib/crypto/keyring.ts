import { decryptBytes, encryptBytes } from "./secret-box";

/**
 * Named keys, one of them current: values are sealed with the current key and carry its
 * id, so after a rotation (a new key put first) the old ones still open what they
 * sealed until it is re-sealed. Written `id:base64key,id:base64key`, current first.
 */
export type Keyring = { current: string; keys: ReadonlyMap<string, Buffer> };

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const PREFIX = "k1";

export class KeyringError extends Error {
  override name = "KeyringError";
}

export function parseKeyring(spec: string, name: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const part of spec
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(":");
    const id = part.slice(0, colon);
    if (colon < 1 || !KEY_ID.test(id)) {
      throw new KeyringError(
        `${name}: each key is written id:base64, with an id of 1-16 letters, digits, - or _`,
      );
    }
    const key = Buffer.from(part.slice(colon + 1), "base64");
    if (key.length !== 32) {
      throw new KeyringError(
        `${name}: key "${id}" must be 32 random bytes in base64 (openssl rand -base64 32)`,
      );
    }
    if (keys.has(id)) throw new KeyringError(`${name}: key id "${id}" appears twice`);
    keys.set(id, key);
  }
  const [current] = keys.keys();
  if (!current) throw new KeyringError(`${name}: no key`);
  return { current, keys };
}

export function sealWithKeyring(keyring: Keyring, plaintext: Buffer, context: string): string {
  const key = keyring.keys.get(keyring.current) as Buffer;
  return `${PREFIX}.${keyring.current}.${encryptBytes(key, plaintext, context).toString("base64url")}`;
}

/** The id of the key a value was sealed with, so a rotation can find what to re-seal. */
export function sealedKeyId(sealed: string): string | null {
  const [prefix, id] = sealed.split(".");
  return prefix === PREFIX && id ? id : null;
}

export function openWithKeyring(keyring: Keyring, sealed: string, context: string): Buffer {
  const [prefix, id, payload] = sealed.split(".");
  if (prefix !== PREFIX || !id || !payload) throw new KeyringError("Not a sealed value");
  const key = keyring.keys.get(id);
  if (!key) throw new KeyringError(`The key "${id}" this value was sealed with is not configured`);
  return decryptBytes(key, Buffer.from(payload, "base64url"), context);
}

/** `sealWithKeyring` for bulk bytes (report files): the key id, then IV, tag and ciphertext. */
export function sealBytesWithKeyring(keyring: Keyring, plaintext: Buffer, context: string): Buffer {
  const key = keyring.keys.get(keyring.current) as Buffer;
  const id = Buffer.from(keyring.current, "utf8");
  return Buffer.concat([Buffer.of(id.length), id, encryptBytes(key, plaintext, context)]);
}

export function openBytesWithKeyring(keyring: Keyring, sealed: Buffer, context: string): Buffer {
  const idLength = sealed[0] ?? 0;
  const id = sealed.subarray(1, 1 + idLength).toString("utf8");
  const key = keyring.keys.get(id);
  if (!key) throw new KeyringError(`The key "${id}" this value was sealed with is not configured`);
  return decryptBytes(key, sealed.subarray(1 + idLength), context);
}
