import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AdapterError } from '../errors.ts';

/**
 * Trust-on-first-use pins for BMC certificates. BMCs ship self-signed
 * certificates, so CA verification is useless; instead the SHA-256 of the
 * peer certificate is pinned per host:port and a change is refused until the
 * operator accepts the new fingerprint explicitly.
 */
export interface PinStore {
  get(hostPort: string): string | undefined;
  set(hostPort: string, fingerprint: string): void;
}

export class MemoryPinStore implements PinStore {
  private readonly pins = new Map<string, string>();
  get(k: string): string | undefined {
    return this.pins.get(k);
  }
  set(k: string, fp: string): void {
    this.pins.set(k, fp);
  }
}

/** JSON file `{ "host:port": "AB:CD:..." }`, rewritten atomically on change. */
export class FilePinStore implements PinStore {
  constructor(readonly file: string) {}
  private read(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new AdapterError('E_TLS_PIN_STORE', `cannot read pin store ${this.file}: ${(e as Error).message}`);
    }
  }
  get(k: string): string | undefined {
    return this.read()[k];
  }
  set(k: string, fp: string): void {
    const all = { ...this.read(), [k]: fp };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

/** The certificate differs from the pinned one: carries both fingerprints for the operator. */
export class TlsPinError extends AdapterError {
  readonly hostPort: string;
  readonly pinned: string;
  readonly presented: string;
  constructor(hostPort: string, pinned: string, presented: string) {
    super(
      'E_TLS_PIN_CHANGED',
      `${hostPort}: certificate changed: pinned SHA256 ${pinned}, presented SHA256 ${presented}; ` +
        'if the BMC certificate was replaced on purpose, accept it with --accept-fingerprint ' + presented,
    );
    this.hostPort = hostPort;
    this.pinned = pinned;
    this.presented = presented;
  }
}

/** "ab:cd" / "ABCD" / "sha256:AB:CD" all compare equal. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/^sha256[:=]/i, '').replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

export interface PinEvent {
  hostPort: string;
  fingerprint: string;
  kind: 'first-use' | 'accepted';
}

export interface PinPolicy {
  store: PinStore;
  /** Fingerprint the operator accepted for this connection (replaces a changed pin). */
  accept?: string;
  onPin?: (e: PinEvent) => void;
}

/** Decides on one presented certificate; throws TlsPinError when it must be refused. */
export function checkPin(policy: PinPolicy, hostPort: string, presentedRaw: string): void {
  const presented = normalizeFingerprint(presentedRaw);
  if (!presented) throw new AdapterError('E_TLS_NO_CERT', `${hostPort}: the server presented no certificate`);
  const pinnedRaw = policy.store.get(hostPort);
  const pinned = pinnedRaw ? normalizeFingerprint(pinnedRaw) : undefined;
  if (pinned === presented) return;
  const accepted = policy.accept ? normalizeFingerprint(policy.accept) : undefined;
  if (!pinned) {
    // First use: an accepted value given up front must match too.
    if (accepted && accepted !== presented) throw new TlsPinError(hostPort, accepted, presented);
    policy.store.set(hostPort, presented);
    policy.onPin?.({ hostPort, fingerprint: presented, kind: 'first-use' });
    return;
  }
  if (accepted === presented) {
    policy.store.set(hostPort, presented);
    policy.onPin?.({ hostPort, fingerprint: presented, kind: 'accepted' });
    return;
  }
  throw new TlsPinError(hostPort, pinned, presented);
}
