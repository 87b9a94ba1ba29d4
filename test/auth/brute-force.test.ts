import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../server/app.ts';
import { LoginLimiter, USER_POLICY, ADDRESS_POLICY } from '../../server/auth/login-limiter.ts';
import { makeTestStore, testContext, createUser, TEST_PASSWORD } from './helpers.ts';

/** Brute force is slowed, then blocked; the clock is injected, nothing sleeps. */
let now = 1_700_000_000_000;
const store = makeTestStore({ now: () => now });
after(() => store.cleanup());
const { app } = buildApp(testContext(store));

async function attempt(password: string): Promise<{ status: number; code?: string; retryAfter: string | null }> {
  const res = await app.request('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'victim', password }) });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, ...(body.error ? { code: body.error.code } : {}), retryAfter: res.headers.get('retry-after') };
}

test('per user: plain failures, then slowed (429 until the delay passes), then blocked even for the right password', async () => {
  await createUser(store, 'victim', 'operator');
  for (let i = 0; i < USER_POLICY.slowAfter; i++) assert.equal((await attempt('wrong')).status, 401);

  const slowed = await attempt('wrong');
  assert.equal(slowed.status, 429);
  assert.equal(slowed.code, 'E_LOGIN_SLOWED');
  assert.equal(slowed.retryAfter, '1');
  assert.equal((await attempt(TEST_PASSWORD)).status, 429, 'the right password does not skip the delay');

  // Each allowed failure doubles the next delay.
  let delay = USER_POLICY.baseDelayMs;
  for (let i = USER_POLICY.slowAfter; i < USER_POLICY.blockAfter; i++) {
    now += delay;
    assert.equal((await attempt('wrong')).status, 401, `failure ${i + 1} after waiting ${delay} ms`);
    delay = Math.min(USER_POLICY.maxDelayMs, delay * 2);
  }
  now += USER_POLICY.maxDelayMs;
  const blocked = await attempt(TEST_PASSWORD);
  assert.equal(blocked.status, 429);
  assert.equal(blocked.code, 'E_LOGIN_BLOCKED');

  now += USER_POLICY.blockMs;
  assert.equal((await attempt(TEST_PASSWORD)).status, 200, 'the block ends');
  assert.equal((await attempt('wrong')).status, 401, 'a success clears the per-user count');

  const denied = store.audit.query({ user: 'victim' }).filter((e) => e.action === 'auth.login' && e.outcome === 'denied');
  assert.ok(denied.length >= USER_POLICY.blockAfter, 'failed and refused logins are audited');
});

test('per address: spraying many user names from one address is slowed then blocked', () => {
  let t = 0;
  const limiter = new LoginLimiter({ now: () => t });
  for (let i = 0; i < ADDRESS_POLICY.slowAfter; i++) {
    assert.equal(limiter.check(`user${i}`, '10.0.0.9').ok, true);
    limiter.failed(`user${i}`, '10.0.0.9');
  }
  const v = limiter.check('fresh-user', '10.0.0.9');
  assert.equal(v.ok, false);
  assert.ok(!v.ok && v.code === 'E_LOGIN_SLOWED' && v.key === 'address');
  assert.equal(limiter.check('fresh-user', '10.0.0.10').ok, true, 'another address is not affected');
  for (let i = ADDRESS_POLICY.slowAfter; i < ADDRESS_POLICY.blockAfter; i++) {
    t += ADDRESS_POLICY.maxDelayMs;
    limiter.failed(`user${i}`, '10.0.0.9');
  }
  const b = limiter.check('someone', '10.0.0.9');
  assert.ok(!b.ok && b.code === 'E_LOGIN_BLOCKED');
  limiter.succeeded('someone');
  assert.equal(limiter.check('someone', '10.0.0.9').ok, false, 'a success elsewhere does not unblock the address');
});
