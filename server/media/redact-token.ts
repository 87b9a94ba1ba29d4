/**
 * A media URL's token is a bearer credential for one file (BMCs cannot log
 * in): it may sit in a BMC's slot state or in its error messages, but must
 * not reach the audit record, the logs or an API answer verbatim.
 */
const TOKEN_IN_PATH = /\/media\/t\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\//g;

export function redactMediaTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '/media/t/[token]/');
}
