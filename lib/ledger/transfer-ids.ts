const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const POSITION_CHARS = 4;

/**
 * A transfer's id is its transaction's id (time-ordered, random) followed by its position
 * in base32, so a transaction's transfers form one contiguous range of the primary key
 * in posting order, and reading them back needs no index of its own.
 */
export function transferIdAt(transactionId: string, position: number): string {
  let suffix = "";
  for (let n = position, i = 0; i < POSITION_CHARS; i++, n = Math.floor(n / 32)) {
    suffix = ALPHABET[n % 32] + suffix;
  }
  return `tr_${transactionId.slice(transactionId.indexOf("_") + 1)}${suffix}`;
}

/**
 * The primary-key range [first, last] holding a transaction's transfers. Bounds of the
 * same length as the ids keep the range right under any collation.
 */
export function transferIdRange(transactionId: string): { first: string; last: string } {
  const body = transactionId.slice(transactionId.indexOf("_") + 1);
  const lastChar = ALPHABET[ALPHABET.length - 1] as string;
  return {
    first: `tr_${body}${ALPHABET[0]?.repeat(POSITION_CHARS)}`,
    last: `tr_${body}${lastChar.repeat(POSITION_CHARS)}`,
  };
}
