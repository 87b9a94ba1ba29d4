import { redactMediaTokens } from '../media/redact-token.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A refusal or failure of a BMC operation, with the HTTP status the API
 * answers and the request field it concerns. `extra` carries structured facts
 * the operator needs (e.g. both certificate fingerprints).
 */
export class BmcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: ContentfulStatusCode = 502,
    readonly field?: string,
    readonly extra: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BmcError';
  }
}

/** Adapter error codes that mean "the BMC did not answer in time". */
const TIMEOUT_CODES = new Set(['E_IPMI_TIMEOUT', 'E_REDFISH_POWER_TIMEOUT', 'E_BMC_TIMEOUT']);
/** Codes that mean the BMC refused our credentials. */
const AUTH_CODES = new Set(['E_IPMI_AUTH', 'E_REDFISH_AUTH', 'E_REDFISH_401', 'E_IPMI_PRIVILEGE']);
/** Codes that mean this BMC cannot do what was asked. */
const UNSUPPORTED_CODES = new Set(['E_REDFISH_UNSUPPORTED', 'E_REDFISH_NO_RESET', 'E_REDFISH_NO_MEDIA_SLOT', 'E_REDFISH_MEDIA_SCHEME']);

/** Any error from an adapter as a BmcError (keeps its code; picks the HTTP status). */
export function asBmcError(e: unknown, field = 'bmc'): BmcError {
  if (e instanceof BmcError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  const c = typeof code === 'string' && code.startsWith('E_') ? code : 'E_BMC_FAILED';
  const status: ContentfulStatusCode = TIMEOUT_CODES.has(c) ? 504 : UNSUPPORTED_CODES.has(c) ? 501 : c === 'E_REDFISH_MEDIA_BUSY' ? 409 : 502;
  const text = redactMediaTokens(err.message);
  const message = AUTH_CODES.has(c) ? `the BMC refused the stored credentials: ${text}` : text;
  return new BmcError(c, message, status, field, {}, { cause: e });
}
