import type { StoredTarget } from './target-repo.ts';

/**
 * The "test connection" hook. The IPMI and Redfish adapters provide real
 * probers through AppContext.probeTarget; the secrets arrive decrypted in
 * memory only for the duration of the call.
 */
export interface TargetCredentials {
  password?: string;
  kg?: string;
}

export interface Capabilities {
  console: string[];
  power: boolean;
  boot: boolean;
  media: boolean;
}

export interface ProbeResult {
  ok: boolean;
  protocol: string;
  /** IPMI RMCP+ cipher suite id, when negotiated. */
  cipherSuite?: number | string;
  /** SHA-256 fingerprint of the BMC's TLS certificate (Redfish). */
  tlsFingerprint?: string;
  vendor?: string;
  model?: string;
  capabilities?: Capabilities;
  message?: string;
}

export type TargetProber = (target: StoredTarget, credentials: TargetCredentials) => Promise<ProbeResult>;
