import { CIPHER_SUITES, type CipherSuite } from '../../../bmc-adapters/ipmi/crypto/cipher-suites.ts';

/**
 * The lab BMC's own choices. Protocol numbers (netFns, commands, privilege levels,
 * completion and RAKP status codes, algorithms) come from the shared codec and crypto.
 */

/** Privilege levels a lab session can hold (§6.8; no OEM level). */
export type Privilege = 1 | 2 | 3 | 4;

/** The only suites the lab BMC offers: everything else is refused at Open Session. */
export const LAB_CIPHER_SUITES: readonly CipherSuite[] = [3, 17].map((id) => {
  const s = CIPHER_SUITES.get(id);
  if (!s) throw new Error(`cipher suite ${id} missing from the shared table`);
  return s;
});
