/**
 * HTTP side of the UI: login, identity, targets. Same origin, session cookie;
 * unsafe methods carry the CSRF token from GET /api/me in `x-csrf-token`.
 */
import type { Identity, TargetSummary } from '../server/wire.ts';

export interface Me extends Identity {
  csrfToken: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

async function errorOf(res: Response): Promise<ApiError> {
  let code = `E_HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } | string; message?: string };
    if (typeof body.error === 'object' && body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
    } else if (typeof body.error === 'string') message = body.error;
    else if (body.message) message = body.message;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : undefined) as T;
}

/** Reads `{user, role, csrfToken}` whether the server nests them or not. */
function toMe(raw: unknown): Me {
  const o = (raw ?? {}) as Record<string, unknown>;
  const id = (typeof o.identity === 'object' && o.identity ? o.identity : typeof o.user === 'object' && o.user ? o.user : o) as Record<string, unknown>;
  const user = typeof id.user === 'string' ? id.user : typeof id.name === 'string' ? id.name : typeof id.username === 'string' ? id.username : '?';
  const role = (typeof id.role === 'string' ? id.role : 'viewer') as Identity['role'];
  const csrf = [o.csrfToken, o.csrf, o.csrf_token].find((v): v is string => typeof v === 'string') ?? null;
  return { user, role, csrfToken: csrf };
}

/**
 * Who am I? null when not logged in. When the server has no login at all
 * (404), the UI runs as an anonymous operator.
 */
export async function fetchMe(): Promise<Me | null> {
  const res = await fetch('/api/me', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (res.status === 401 || res.status === 403) return null;
  if (res.status === 404) return { user: 'anonymous', role: 'admin', csrfToken: null };
  if (!res.ok) throw await errorOf(res);
  const me = toMe(await res.json());
  csrfToken = me.csrfToken;
  return me;
}

/** POST /api/login {username, password}: sets the session cookie, answers the identity and CSRF token. */
export async function login(username: string, password: string): Promise<Me> {
  const me = toMe(await request<unknown>('POST', '/api/login', { username, password }));
  csrfToken = me.csrfToken;
  return me;
}

export async function logout(): Promise<void> {
  try {
    await request<unknown>('POST', '/api/logout');
  } finally {
    csrfToken = null;
  }
}

export function fetchTargets(): Promise<TargetSummary[]> {
  return request<TargetSummary[]>('GET', '/api/targets');
}

/** ws:// or wss:// URL of a target's console, same origin as the page. */
export function consoleUrl(targetId: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/targets/${encodeURIComponent(targetId)}/console`;
}
