/**
 * Same-origin check on the Host the client addressed. Scheme is not
 * compared: one host:port serves only one of http/https.
 */
export function originAllowed(origin: string, host: string | undefined, extra: readonly string[] = []): boolean {
  if (extra.includes(origin)) return true;
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
