/**
 * Enough of the address for the recipient to know which inbox to check, too little for
 * someone holding a forwarded link to learn it: `ma•••@example.com`.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  const local = email.slice(0, at);
  const shown = local.length <= 3 ? local.slice(0, 1) : local.slice(0, 2);
  return `${shown}•••${email.slice(at)}`;
}
