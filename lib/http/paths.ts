/**
 * Whether every percent-escape in a request path decodes to UTF-8, as Next requires of
 * each dynamic route segment (`/c/%ZZ` and `/c/%E0%A4` do not).
 */
export function isDecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
