import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './api-error.ts';

/** Parses the JSON body with a zod schema; a 400 names the first offending field. */
export async function validateBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ApiError(400, 'E_BAD_JSON', 'the request body must be a JSON object', 'body');
  }
  return validateValue(schema, raw);
}

export function validateValue<S extends z.ZodType>(schema: S, raw: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const keys = issue && issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = prefix + [...(issue?.path ?? []), ...keys.slice(0, 1)].map(String).join('.') || '(body)';
  throw new ApiError(400, 'E_VALIDATION', `${field}: ${issue?.message ?? 'invalid'}`, field);
}
