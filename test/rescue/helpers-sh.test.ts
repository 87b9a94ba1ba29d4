/**
 * Small installer helpers (installer/common.sh, fetch.sh) on the host's busybox, the same
 * busybox-static the initramfs carries: the manifest reader the disk job waits on, and the
 * random names that must not read /dev/urandom.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installerSh, removeDir, tempDir } from './helpers.ts';

const sh = (script: string): string => installerSh(['common', 'fetch'], script);

describe('installer shell helpers', () => {
  const dir = tempDir('helpers-sh');
  after(() => removeDir(dir));

  const fields = (json: string): string => {
    const f = join(dir, 'm.json');
    writeFileSync(f, json);
    return sh(`manifest_read ${f}; echo "$M_version|$M_size|$M_sha256|$M_md5|$M_crc32"`).trim();
  };

  it('manifest_read: one line as the build writes it, pretty-printed, numbers, missing fields', () => {
    assert.equal(fields('{"name":"x","version":"3","sha256":"ab12","crc32":"10fb2f5c","size":66179072}'), '3|66179072|ab12||10fb2f5c');
    assert.equal(fields('{\n  "version": 7,\n  "sha256" : "def",\n  "md5": "0123",\n  "size": 12 \n}\n'), '7|12|def|0123|');
    assert.equal(fields('{"size":5}'), '|5|||');
    assert.equal(fields(''), '||||');
  });

  it('rb_random_hex: 32 hex digits and the same as a UUID, different each call', () => {
    const out = sh('rb_random_hex; echo "$RB_HEX $RB_UUID"; rb_random_hex; echo "$RB_HEX"').trim().split(/\s+/);
    assert.match(out[0] ?? '', /^[0-9a-f]{32}$/);
    assert.equal((out[1] ?? '').replace(/-/g, ''), out[0]);
    assert.match(out[1] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(out[2], out[0]);
  });
});
