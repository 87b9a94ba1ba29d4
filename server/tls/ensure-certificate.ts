import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export class TlsError extends Error {
  readonly code = 'E_TLS';
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** SHA-256 fingerprint to compare with what the browser shows. */
  fingerprint256: string;
  generated: boolean;
  certPath: string;
}

/**
 * Loads the configured certificate, or the one generated into
 * <dataDir>/tls at first start with the openssl CLI (ECDSA P-256,
 * self-signed, SANs for localhost, loopback and the listen host). The key
 * file is created 0600 before openssl writes into it, so it is never
 * readable by others, and no secret appears on the command line (-noenc).
 */
export function ensureCertificate(opts: { dataDir: string; cert?: string; key?: string; hostnames?: string[] }): TlsMaterial {
  if (opts.cert || opts.key) {
    if (!opts.cert || !opts.key) throw new TlsError(`tls: set both tls.cert and tls.key (got only ${opts.cert ? 'cert' : 'key'})`);
    return load(opts.cert, opts.key, false);
  }
  const dir = join(opts.dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) return load(certPath, keyPath, false);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmpKey = `${keyPath}.${process.pid}.tmp`;
  const tmpCert = `${certPath}.${process.pid}.tmp`;
  closeSync(openSync(tmpKey, 'w', 0o600));
  const sans = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
  for (const h of opts.hostnames ?? []) {
    if (h === '0.0.0.0' || h === '::' || h === '') continue;
    sans.add(/^[\d.]+$/.test(h) || h.includes(':') ? `IP:${h}` : `DNS:${h}`);
  }
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc', '-keyout', tmpKey, '-out', tmpCert, '-days', '825', '-subj', '/CN=rescuebox', '-addext', `subjectAltName=${[...sans].join(',')}`],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (r.error || r.status !== 0) {
    for (const f of [tmpKey, tmpCert]) if (existsSync(f)) unlinkSync(f);
    throw new TlsError(`tls: openssl could not create a certificate in ${dir}: ${r.error?.message ?? r.stderr.trim()}`);
  }
  renameSync(tmpKey, keyPath);
  renameSync(tmpCert, certPath);
  return { ...load(certPath, keyPath, true) };
}

function load(certPath: string, keyPath: string, generated: boolean): TlsMaterial {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = readFileSync(certPath);
    key = readFileSync(keyPath);
  } catch (e) {
    throw new TlsError(`tls: cannot read ${certPath} / ${keyPath}: ${(e as Error).message}`);
  }
  return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256, generated, certPath };
}
