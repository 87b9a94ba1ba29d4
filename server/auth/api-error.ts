import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A refusal the client should see as JSON `{error:{code,message,field?}}`.
 * Extends HTTPException so Hono's default error handler already answers it.
 */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    headers: Record<string, string> = {},
  ) {
    super(status, {
      message,
      res: new Response(JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } }), {
        status,
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      }),
    });
  }
}

export const unauthenticated = (): ApiError => new ApiError(401, 'E_UNAUTHENTICATED', 'log in first (session cookie or Authorization: Bearer token)');
export const forbidden = (need: string, what = 'this action'): ApiError => new ApiError(403, 'E_FORBIDDEN', `${what} needs role ${need}`);
