import type { Context } from 'hono';
import { ApiError } from '../auth/api-error.ts';
import type { BmcError } from '../bmc/bmc-error.ts';

/** A BmcError as the API's JSON error, extras (fingerprints...) included next to code/message/field. */
export function bmcErrorResponse(c: Context, e: BmcError): Response {
  return c.json({ error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...e.extra } }, e.status);
}

/** Errors of the API layer itself (validation, not found) pass through untouched. */
export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
