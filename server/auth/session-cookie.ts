import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'rb_session';

/**
 * Always Secure: browsers (Chromium, Firefox) treat http://localhost and
 * http://127.0.0.1 as secure contexts and keep Secure cookies there, and
 * plain HTTP is only allowed on loopback (see server/tls/listen-policy.ts).
 */
export function setSessionCookie(c: Context, token: string, maxAgeS: number): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: maxAgeS });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
