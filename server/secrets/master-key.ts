import { openSync, writeSync, closeSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SecretError } from './errors.ts';

export const KEY_FILE_NAME = 'secret.key';
export const KEY_ENV = 'RESCUEBOX_SECRET_KEY';

/**
 * The 32-byte key that encrypts everything secret in the database. From the
 * environment (base64) when set, else a 0600 file in the data directory,
 * created at first start. The database and the key live apart on purpose:
 * a copy of the database alone reveals no BMC password.
 */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env[KEY_ENV];
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new SecretError('E_SECRET_KEY', `${KEY_ENV}: must be 32 bytes in base64, got ${key.length} bytes`);
    return key;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, KEY_FILE_NAME);
  try {
    // 'wx' so two starting processes never both create (and disagree on) the key.
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('base64') + '\n');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new SecretError('E_SECRET_KEY', `${path}: cannot create key file: ${(e as Error).message}`);
  }
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) throw new SecretError('E_SECRET_KEY', `${path}: key file is readable by group or others (mode ${(statSync(path).mode & 0o777).toString(8)}); chmod 600 it`);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new SecretError('E_SECRET_KEY', `${path}: does not hold a 32-byte base64 key`);
  return key;
}
