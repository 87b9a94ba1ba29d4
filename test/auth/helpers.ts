/**
 * Test helpers for anything behind the login (other suites may import them):
 *   const store = makeTestStore();                       // temp dir, cheap scrypt
 *   const { app } = buildApp(testContext(store));
 *   const auth = await bearerFor(store, 'op', 'operator'); // { authorization: 'Bearer rbt_...' } — no CSRF needed
 *   const s = await loginForTest(baseUrl, 'op', pw);       // { cookie, csrf, headers } for cookie sessions
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { openAppStore, type AppStore } from '../../server/store/app-store.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import type { AppContext } from '../../server/context.ts';
import type { Role } from '../../server/wire.ts';
import type { Grant } from '../../server/auth/roles.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestStore extends AppStore {
  dir: string;
  cleanup(): void;
}

/** A store in a fresh temp dir; scrypt at 2^10 through the explicit test-only switch. */
export function makeTestStore(opts: { now?: () => number } = {}): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'rb-auth-'));
  const store = openAppStore({ dataDir: dir, env: {}, passwordLogN: 10, testOnlyWeakPasswords: true, ...(opts.now ? { now: opts.now } : {}) });
  return Object.assign(store, {
    dir,
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Captures pino output so a test can search it. */
export function captureLog(): { log: AppContext['log']; text(): string } {
  const chunks: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { log: createLogger({ level: 'debug', destination: dest }), text: () => chunks.join('') };
}

export function testContext(store: AppStore, extra: Partial<AppContext> = {}): AppContext {
  return {
    config: loadConfig({ raw: { dataDir: (store as Partial<TestStore>).dir ?? tmpdir(), lab: { enabled: false }, tls: { mode: 'off' } }, env: {} }),
    log: captureLog().log,
    version: 'test',
    startedAt: Date.now(),
    listTargets: () => [],
    store,
    ...extra,
  };
}

export async function createUser(store: AppStore, username: string, role: Role, grants: Grant[] = [], password = TEST_PASSWORD): Promise<void> {
  await store.users.create({ username, password, role, grants });
}

/** Creates the user (unless present) and an API token; returns the header to send. */
export async function bearerFor(store: AppStore, username: string, role: Role, grants: Grant[] = []): Promise<{ authorization: string }> {
  if (!store.users.byName(username)) await createUser(store, username, role, grants);
  const u = store.users.byName(username);
  if (!u) throw new Error(`no user ${username}`);
  const { token } = store.tokens.create(u.id, `test-${Math.random().toString(36).slice(2)}`, role);
  return { authorization: `Bearer ${token}` };
}

export interface TestSession {
  cookie: string;
  csrf: string;
  /** Cookie + CSRF + same Origin: what a browser sends on an unsafe call. */
  headers: Record<string, string>;
}

/** Logs in over HTTP like the browser does. */
export async function loginForTest(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<TestSession> {
  const res = await fetch(`${baseUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: new URL(baseUrl).origin }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken, headers: { cookie, 'x-csrf-token': csrfToken, origin: new URL(baseUrl).origin, 'content-type': 'application/json' } };
}

/** Serves an app on 127.0.0.1:0. */
export async function startServer(fetchFn: (req: Request, env?: unknown) => Response | Promise<Response>, inject?: (server: ServerType) => void): Promise<{ baseUrl: string; server: ServerType; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchFn, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        baseUrl: `http://127.0.0.1:${info.port}`,
        server,
        close: () =>
          new Promise<void>((r) => {
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => r());
          }),
      });
    });
    inject?.(server);
  });
}
