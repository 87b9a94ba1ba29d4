import { scrypt, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * scrypt, parameters stored with each hash so they can be raised later.
 * Production cost is N=2^17, r=8 (128 MiB, ~0.3 s); tests may lower it only
 * through PasswordHasher({ logN, testOnly: true }).
 */
export const PRODUCTION_LOG_N = 17;
const R = 8;
const P = 1;
const KEY_LEN = 32;

function scryptAsync(pw: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128*N*r or Node refuses N=2^17.
    scrypt(pw.normalize('NFC'), salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export class PasswordHasher {
  readonly logN: number;

  constructor(opts: { logN?: number; testOnly?: boolean } = {}) {
    const logN = opts.logN ?? PRODUCTION_LOG_N;
    if (logN < PRODUCTION_LOG_N && !opts.testOnly) throw new Error(`scrypt logN ${logN} is below ${PRODUCTION_LOG_N}: only allowed with testOnly`);
    this.logN = logN;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const N = 2 ** this.logN;
    const key = await scryptAsync(password, salt, N, R, P);
    return `scrypt$${this.logN}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [alg, logN, r, p, salt, key] = stored.split('$');
    if (alg !== 'scrypt' || !logN || !r || !p || !salt || !key) return false;
    const want = Buffer.from(key, 'base64');
    const got = await scryptAsync(password, Buffer.from(salt, 'base64'), 2 ** Number(logN), Number(r), Number(p));
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
