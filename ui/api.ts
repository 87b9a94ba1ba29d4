/**
 * HTTP side of the UI: login, identity, targets. Same origin, session cookie;
 * unsafe methods carry the CSRF token from GET /api/me in `x-csrf-token`.
 */
import type { Identity, Role, TargetSummary } from '../server/wire.ts';
import { fetchProgressText, type AuditRecord, type BootDevice, type FetchSummary, type MediaFile, type MediaState, type PowerAction, type PowerState } from '../server/wire.ts';

export interface Me extends Identity {
  csrfToken: string | null;
  /** Per tag-group grants that raise the global role on targets carrying the tag. */
  grants: Grant[];
}

export interface Grant {
  tag: string;
  role: Role;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The role on one target: the global role raised by grants on any of its tags (as the server computes it). */
export function roleOn(me: Pick<Me, 'role' | 'grants'>, tags: readonly string[]): Role {
  let r = me.role;
  for (const g of me.grants) if (tags.includes(g.tag) && RANK[g.role] > RANK[r]) r = g.role;
  return r;
}

export function atLeast(role: Role, want: Role): boolean {
  return RANK[role] >= RANK[want];
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
    // Every API error is `{error: {code, message, field?}}` (server/auth/api-error.ts).
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
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
  const rawGrants = Array.isArray(o.grants) ? (o.grants as unknown[]) : [];
  const grants = rawGrants.filter((g): g is Grant => typeof g === 'object' && g !== null && typeof (g as Grant).tag === 'string' && typeof (g as Grant).role === 'string');
  return { user, role, csrfToken: csrf, grants };
}

/**
 * Who am I? null when not logged in. When the server has no login at all
 * (404), the UI runs as an anonymous operator.
 */
export async function fetchMe(): Promise<Me | null> {
  const res = await fetch('/api/me', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (res.status === 401 || res.status === 403) return null;
  if (res.status === 404) return { user: 'anonymous', role: 'admin', csrfToken: null, grants: [] };
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

// ---- operations: power, boot, virtual media (server/operations/) ----

export type { AuditRecord, BootDevice, FetchSummary, MediaFile, PowerAction, PowerState };
export type MediaSlot = MediaState;


export interface PowerReply {
  power: PowerState;
  protocol: string;
  action?: PowerAction;
}

export interface BootReply {
  device: BootDevice;
  persistent: boolean;
  efi: boolean | null;
  bmcValue: string;
  protocol: string;
}



export interface TargetMediaReply {
  protocol: string;
  slot: MediaSlot;
  /** `text` is the server's own wording ("the BMC has read 12 of 16 MB"). */
  fetches: (FetchSummary & { text?: string })[];
  mediaServer: string | null;
}



const t = (id: string) => `/api/targets/${encodeURIComponent(id)}`;

export function fetchPower(id: string): Promise<PowerReply> {
  return request<PowerReply>('GET', `${t(id)}/power`);
}

export function setPower(id: string, action: PowerAction): Promise<PowerReply> {
  return request<PowerReply>('POST', `${t(id)}/power`, { action });
}

export function setBoot(id: string, device: BootDevice, opts: { persistent?: boolean; efi?: boolean }): Promise<BootReply> {
  return request<BootReply>('POST', `${t(id)}/boot`, { device, ...opts });
}

export function fetchTargetMedia(id: string): Promise<TargetMediaReply> {
  return request<TargetMediaReply>('GET', `${t(id)}/media`);
}

export function mediaInsert(id: string, file: string): Promise<{ slot: MediaSlot }> {
  return request<{ slot: MediaSlot }>('POST', `${t(id)}/media`, { action: 'insert', file });
}

export function mediaEject(id: string): Promise<{ slot: MediaSlot }> {
  return request<{ slot: MediaSlot }>('POST', `${t(id)}/media`, { action: 'eject' });
}

export function fetchMediaFiles(): Promise<MediaFile[]> {
  return request<MediaFile[]>('GET', '/api/media/files');
}

export async function fetchMediaFetches(target: string): Promise<FetchSummary[]> {
  const r = await request<{ summary: FetchSummary[] }>('GET', `/api/media/fetches?target=${encodeURIComponent(target)}`);
  return r.summary;
}

export interface AuditFilter {
  user?: string;
  target?: string;
  /** ms since the epoch */
  since?: number;
  until?: number;
  limit?: number;
}

/** GET /api/audit: newest first; non-admins get only their own entries. */
export function fetchAudit(f: AuditFilter): Promise<AuditRecord[]> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return request<AuditRecord[]>('GET', `/api/audit${qs ? `?${qs}` : ''}`);
}

/** The server's wording when it sent one (GET /api/targets/:id/media), else the same shared wording. */
export function progressText(s: FetchSummary & { text?: string }): string {
  return s.text ?? fetchProgressText(s);
}

/** An error as shown to the operator: the server's message verbatim, its code in brackets. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(e);
}
