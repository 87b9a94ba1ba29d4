import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz, targets } from './helpers/fuzz.ts';

// Mutation fuzzer over every decoder (helpers/fuzz.ts): nothing but DecodeError, no hang.
test('mutation fuzzer: >= 100,000 inputs over every decoder, only DecodeError', { timeout: 60000 }, () => {
  const per = Math.ceil(100000 / targets.length);
  const n = fuzz(per);
  assert.ok(n >= 100000, `ran ${n}`);
});
