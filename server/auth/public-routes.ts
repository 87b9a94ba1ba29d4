/**
 * The only requests answered without a login: the login call itself and the
 * static files the browser needs to draw the login page. Everything else,
 * including routes other modules add later, is behind the auth middleware.
 */
const STATIC_ASSET = /^\/(?:assets\/)?[A-Za-z0-9._-]+\.(?:js|css|map|woff2?|ttf|svg|png|ico|webmanifest)$/;

export function isPublic(method: string, path: string): boolean {
  if (method === 'POST' && path === '/api/login') return true;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/' || path === '/index.html') return true;
  return !path.startsWith('/api/') && STATIC_ASSET.test(path);
}

/**
 * Unsafe calls a viewer may make about their own account. Every other unsafe
 * method needs operator somewhere, before any route-level check runs.
 */
const SELF_SERVICE: readonly [string, RegExp][] = [
  ['POST', /^\/api\/logout$/],
  ['POST', /^\/api\/me\/password$/],
  ['POST', /^\/api\/tokens$/],
  ['DELETE', /^\/api\/tokens\/[^/]+$/],
];

export function isSelfService(method: string, path: string): boolean {
  return SELF_SERVICE.some(([m, re]) => m === method && re.test(path));
}

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
