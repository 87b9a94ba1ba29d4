import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parseRange } from '../../server/media/range.ts';
import { signGrant, verifyGrant } from '../../server/media/token.ts';

describe('Range parsing', () => {
  it('handles single, open, suffix, unsatisfiable and multi ranges', () => {
    assert.deepEqual(parseRange(undefined, 100), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'range', start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'range', start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=90-500', 100), { kind: 'range', start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'range', start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=0-1,5-6', 100), { kind: 'full' });
    assert.deepEqual(parseRange('items=0-1', 100), { kind: 'full' });
  });
});

describe('media tokens', () => {
  it('round-trips, binds the file name, expires', () => {
    const key = randomBytes(32);
    const t = signGrant(key, { target: 'lab-1', name: 'rescue.iso', expiresAt: 10_000_000 });
    assert.match(t, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.equal(verifyGrant(key, t, 'rescue.iso', 9_000_000).target, 'lab-1');
    assert.throws(() => verifyGrant(key, t, 'other.iso', 9_000_000), { code: 'E_MEDIA_TOKEN' });
    assert.throws(() => verifyGrant(key, t, 'rescue.iso', 10_000_000), { code: 'E_MEDIA_EXPIRED' });
    assert.throws(() => verifyGrant(randomBytes(32), t, 'rescue.iso', 0), { code: 'E_MEDIA_TOKEN' });
  });
});

it('media tokens are redacted from texts that leave the box', async () => {
  const { redactMediaTokens } = await import('../../server/media/redact-token.ts');
  const url = 'http://10.0.0.5:8081/media/t/eyJ0IjoibGFiLTEifQ.c2lnbmF0dXJl_-/rescuebox-rescue.iso';
  assert.equal(redactMediaTokens(`every CD slot is in use: CD (${url}); eject first`), 'every CD slot is in use: CD (http://10.0.0.5:8081/media/t/[token]/rescuebox-rescue.iso); eject first');
});
