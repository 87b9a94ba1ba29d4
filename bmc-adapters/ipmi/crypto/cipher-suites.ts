/** Cipher suite id -> algorithms (IPMI v2.0 §22.15.2 table 22-20). */

export const AUTH_NONE = 0x00;
export const AUTH_HMAC_SHA1 = 0x01;
export const AUTH_HMAC_MD5 = 0x02;
export const AUTH_HMAC_SHA256 = 0x03;
export const INTEGRITY_NONE = 0x00;
export const INTEGRITY_HMAC_SHA1_96 = 0x01;
export const INTEGRITY_HMAC_MD5_128 = 0x02;
export const INTEGRITY_MD5_128 = 0x03;
export const INTEGRITY_HMAC_SHA256_128 = 0x04;
export const CONF_NONE = 0x00;
export const CONF_AES_CBC_128 = 0x01;
export const CONF_XRC4_128 = 0x02;
export const CONF_XRC4_40 = 0x03;

export interface CipherSuite {
  id: number;
  auth: number;
  integrity: number;
  confidentiality: number;
  /** Suites with authentication, integrity and AES: the only ones used without `allowInsecure`. */
  secure: boolean;
  /** Whether rescuebox implements all three algorithms. */
  implemented: boolean;
}

function s(id: number, auth: number, integrity: number, confidentiality: number): CipherSuite {
  const implemented = auth !== AUTH_HMAC_MD5 && integrity !== INTEGRITY_HMAC_MD5_128 && integrity !== INTEGRITY_MD5_128 && confidentiality <= CONF_AES_CBC_128;
  return { id, auth, integrity, confidentiality, secure: auth !== AUTH_NONE && integrity !== INTEGRITY_NONE && confidentiality === CONF_AES_CBC_128 && implemented, implemented };
}

export const CIPHER_SUITES: ReadonlyMap<number, CipherSuite> = new Map(
  [
    s(0, AUTH_NONE, INTEGRITY_NONE, CONF_NONE),
    s(1, AUTH_HMAC_SHA1, INTEGRITY_NONE, CONF_NONE),
    s(2, AUTH_HMAC_SHA1, INTEGRITY_HMAC_SHA1_96, CONF_NONE),
    s(3, AUTH_HMAC_SHA1, INTEGRITY_HMAC_SHA1_96, CONF_AES_CBC_128),
    s(4, AUTH_HMAC_SHA1, INTEGRITY_HMAC_SHA1_96, CONF_XRC4_128),
    s(5, AUTH_HMAC_SHA1, INTEGRITY_HMAC_SHA1_96, CONF_XRC4_40),
    s(6, AUTH_HMAC_MD5, INTEGRITY_NONE, CONF_NONE),
    s(7, AUTH_HMAC_MD5, INTEGRITY_HMAC_MD5_128, CONF_NONE),
    s(8, AUTH_HMAC_MD5, INTEGRITY_HMAC_MD5_128, CONF_AES_CBC_128),
    s(11, AUTH_HMAC_MD5, INTEGRITY_MD5_128, CONF_NONE),
    s(12, AUTH_HMAC_MD5, INTEGRITY_MD5_128, CONF_AES_CBC_128),
    s(15, AUTH_HMAC_SHA256, INTEGRITY_NONE, CONF_NONE),
    s(16, AUTH_HMAC_SHA256, INTEGRITY_HMAC_SHA256_128, CONF_NONE),
    s(17, AUTH_HMAC_SHA256, INTEGRITY_HMAC_SHA256_128, CONF_AES_CBC_128),
  ].map((c) => [c.id, c]),
);

export function suiteForAlgorithms(auth: number, integrity: number, confidentiality: number): CipherSuite | undefined {
  for (const c of CIPHER_SUITES.values()) if (c.auth === auth && c.integrity === integrity && c.confidentiality === confidentiality) return c;
  return undefined;
}

/** Hash behind the RAKP HMACs (also SIK, K1, K2). */
export function authHash(auth: number): 'sha1' | 'sha256' | undefined {
  return auth === AUTH_HMAC_SHA1 ? 'sha1' : auth === AUTH_HMAC_SHA256 ? 'sha256' : undefined;
}

/** Length of the RAKP4 integrity check value: HMAC truncated per §13.28 (12 for SHA1, 16 for SHA256). */
export function rakp4IcvLength(auth: number): number {
  return auth === AUTH_HMAC_SHA1 ? 12 : auth === AUTH_HMAC_SHA256 ? 16 : 0;
}
