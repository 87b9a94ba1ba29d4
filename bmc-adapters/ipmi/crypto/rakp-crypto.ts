import { createHmac, timingSafeEqual } from 'node:crypto';
import { u32le } from '../codec/bytes.ts';
import { authHash, rakp4IcvLength } from './cipher-suites.ts';

/**
 * The RAKP key exchange arithmetic (IPMI v2.0 §13.31, §13.32). Pure functions so
 * the client and the lab BMC compute exactly the same bytes, and tests can pin them.
 */

export interface RakpInputs {
  auth: number;
  /** Kuid: the user's password, at most 20 bytes (HMAC zero-pads short keys, as the spec asks). */
  password: Buffer;
  /** Kg, the BMC key; undefined means "use Kuid", the common configuration. */
  kg?: Buffer;
  consoleSessionId: number;
  bmcSessionId: number;
  /** Rm, 16 bytes. */
  consoleRandom: Buffer;
  /** Rc, 16 bytes. */
  bmcRandom: Buffer;
  /** GUIDc, 16 bytes. */
  bmcGuid: Buffer;
  /** The whole role byte of RAKP1 (privilege + name-only lookup bit). */
  role: number;
  username: Buffer;
}

function hmac(auth: number, key: Buffer, data: Buffer): Buffer {
  const h = authHash(auth);
  if (!h) return Buffer.alloc(0); // RAKP-none: every AuthCode is empty
  return createHmac(h, key).update(data).digest();
}

function userPart(i: RakpInputs): Buffer {
  return Buffer.concat([Buffer.from([i.role, i.username.length]), i.username]);
}

/** §13.31: RAKP2 AuthCode = HMAC(Kuid, SIDm | SIDc | Rm | Rc | GUIDc | ROLEm | ULENGTHm | UNAMEm). */
export function rakp2AuthCode(i: RakpInputs): Buffer {
  return hmac(i.auth, i.password, Buffer.concat([u32le(i.consoleSessionId), u32le(i.bmcSessionId), i.consoleRandom, i.bmcRandom, i.bmcGuid, userPart(i)]));
}

/** §13.31: RAKP3 AuthCode = HMAC(Kuid, Rc | SIDm | ROLEm | ULENGTHm | UNAMEm). */
export function rakp3AuthCode(i: RakpInputs): Buffer {
  return hmac(i.auth, i.password, Buffer.concat([i.bmcRandom, u32le(i.consoleSessionId), userPart(i)]));
}

/** §13.31: SIK = HMAC(Kg, Rm | Rc | ROLEm | ULENGTHm | UNAMEm), Kg defaulting to Kuid. */
export function sessionIntegrityKey(i: RakpInputs): Buffer {
  return hmac(i.auth, i.kg ?? i.password, Buffer.concat([i.consoleRandom, i.bmcRandom, userPart(i)]));
}

/** §13.31: RAKP4 ICV = HMAC(SIK, Rm | SIDc | GUIDc), truncated to 12 (SHA1) or 16 (SHA256) bytes. */
export function rakp4Icv(i: RakpInputs, sik: Buffer): Buffer {
  return hmac(i.auth, sik, Buffer.concat([i.consoleRandom, u32le(i.bmcSessionId), i.bmcGuid])).subarray(0, rakp4IcvLength(i.auth));
}

/**
 * §13.32: K_n = HMAC(SIK, const_n). The constants are 20 bytes for SHA256 suites too:
 * the spec's table says 20 and ipmitool/FreeIPMI/OpenIPMI all use 20, so BMCs do.
 */
export function deriveK(auth: number, sik: Buffer, n: 1 | 2): Buffer {
  return hmac(auth, sik, Buffer.alloc(20, n));
}

/** Constant-time compare that also handles unequal lengths (timingSafeEqual throws on those). */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** IPMI 2.0 passwords are up to 20 bytes; longer ones would silently differ between implementations. */
export function passwordKey(password: string | Buffer): Buffer {
  const b = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (b.length > 20) throw new RangeError('IPMI 2.0 passwords are at most 20 bytes');
  return b;
}
