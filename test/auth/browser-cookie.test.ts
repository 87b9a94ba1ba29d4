import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { buildApp } from '../../server/app.ts';
import { makeTestStore, testContext, createUser, startServer, TEST_PASSWORD } from './helpers.ts';
import { CHROMIUM, launchChromium } from '../helpers/browser.ts';

/**
 * The session cookie is always Secure. Plain HTTP is allowed only on
 * loopback, so this checks the claim that Chromium keeps a Secure cookie set
 * by http://127.0.0.1 (a "potentially trustworthy" origin) and sends it back,
 * and that the UI's login + CSRF flow works from a real page.
 */
const store = makeTestStore();
const { app, injectWebSocket } = buildApp(testContext(store));
let srv: Awaited<ReturnType<typeof startServer>>;
let browser: Browser | undefined;

before(async () => {
  await createUser(store, 'ada', 'admin');
  srv = await startServer(app.fetch, injectWebSocket);
});
after(async () => {
  await browser?.close();
  await srv.close();
  store.cleanup();
});

test('Chromium keeps the Secure session cookie on http://127.0.0.1 and the CSRF flow works', { skip: !existsSync(CHROMIUM) && 'no /usr/bin/chromium', timeout: 60_000 }, async () => {
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${srv.baseUrl}/`);
  const result = await page.evaluate(async (password) => {
    const login = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password }) });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const me = await fetch('/api/me');
    const body = JSON.stringify({ id: 'from-browser', console: { transport: 'tcp', host: 'h' } });
    const noCsrf = await fetch('/api/targets', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const withCsrf = await fetch('/api/targets', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body });
    return { login: login.status, me: me.status, noCsrf: noCsrf.status, withCsrf: withCsrf.status, jsSeesCookie: document.cookie.includes('rb_session') };
  }, TEST_PASSWORD);
  assert.deepEqual(result, { login: 200, me: 200, noCsrf: 403, withCsrf: 201, jsSeesCookie: false });
});
