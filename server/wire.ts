/**
 * The one module the UI shares with the server: wire types and the binary
 * console frame layout. No imports, no Node APIs: it is bundled for the browser.
 * Protocol described in docs/console-protocol.md.
 */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Identity {
  /** Login name, or "playbook:<run-id>" / "token:<name>" for automation. */
  user: string;
  role: Role;
}

export type ConsoleConnState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface TargetSummary {
  id: string;
  name: string;
  console: { kind: string; state: ConsoleConnState; description: string };
  power?: 'on' | 'off' | 'unknown';
  tags: string[];
}

export interface HealthResponse {
  ok: true;
  version: string;
  uptimeS: number;
}

// ---- console WebSocket: /api/targets/:id/console?from=<offset>&stream=<id>&mode=rw|ro ----

/** Binary frame types (first byte). */
export const FRAME_OUTPUT = 0x01; // S->C: [type][u64 offset BE][bytes]   bytes start at offset
export const FRAME_SNAPSHOT = 0x02; // S->C: [type][u64 offset BE][utf8]  reset screen, write snapshot; stream continues at offset
export const FRAME_INPUT = 0x11; // C->S: [type][bytes]                   keystrokes (only honoured for the lock holder)

export const FRAME_HEADER_BYTES = 9;

export interface LockHolder {
  user: string;
  viewerId: string;
}

export type ServerControl =
  | {
      t: 'hello';
      viewerId: string;
      /**
       * Names this run of the console's byte stream. Offsets compare only within
       * one stream: a server restart starts a new stream at offset 0.
       */
      stream: string;
      target: string;
      user: string;
      readOnly: boolean;
      /** Oldest offset the ring still holds, and the next offset to be written. */
      ringStart: number;
      head: number;
      lock: LockHolder | null;
      conn: ConsoleConnState;
      cols: number;
      rows: number;
    }
  | { t: 'conn'; state: ConsoleConnState; reason?: string }
  | { t: 'lock'; holder: LockHolder | null; by?: string; takeover?: boolean }
  | { t: 'resize'; cols: number; rows: number }
  | { t: 'viewers'; viewers: { viewerId: string; user: string; readOnly: boolean }[] }
  | { t: 'pong'; id: number }
  | { t: 'error'; code: string; message: string };

export type ClientControl =
  | { t: 'lock'; action: 'request' | 'release' | 'takeover' }
  | { t: 'resize'; cols: number; rows: number }
  | { t: 'break' }
  | { t: 'ping'; id: number };

/** Encodes an output or snapshot frame. */
export function encodeOffsetFrame(type: typeof FRAME_OUTPUT | typeof FRAME_SNAPSHOT, offset: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  out[0] = type;
  new DataView(out.buffer, out.byteOffset, out.byteLength).setBigUint64(1, BigInt(offset));
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export interface DecodedOffsetFrame {
  type: number;
  offset: number;
  payload: Uint8Array;
}

/** Decodes a server->client binary frame; throws with the reason on a malformed one. */
export function decodeOffsetFrame(buf: Uint8Array): DecodedOffsetFrame {
  if (buf.length < FRAME_HEADER_BYTES) throw new Error(`console frame: ${buf.length} bytes, need ${FRAME_HEADER_BYTES} at offset 0`);
  const type = buf[0] as number;
  if (type !== FRAME_OUTPUT && type !== FRAME_SNAPSHOT) throw new Error(`console frame: unknown type 0x${type.toString(16)} at offset 0`);
  const offset = Number(new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(1));
  return { type, offset, payload: buf.subarray(FRAME_HEADER_BYTES) };
}

export function encodeInputFrame(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length);
  out[0] = FRAME_INPUT;
  out.set(bytes, 1);
  return out;
}

// ---- operations API: /api/targets/:id/power|boot|media, /api/media/*, /api/audit ----

export type PowerAction = 'on' | 'off' | 'cycle' | 'reset' | 'soft';
export type PowerState = 'on' | 'off' | 'unknown';
export type BootDevice = 'cd' | 'pxe' | 'disk' | 'bios';

export interface MediaState {
  /** False over IPMI: the protocol has no virtual media. */
  supported: boolean;
  slot?: string;
  image: string | null;
  inserted: boolean;
  connectedVia?: string;
}

/** Per target and file: what the BMC has read from the media server ("read 12 of 16 MB"). */
export interface FetchSummary {
  target: string;
  file: string;
  fileSize: number;
  /** Distinct bytes of the file delivered at least once. */
  bytesCovered: number;
  bytesSent: number;
  requests: number;
  active: number;
  lastAt: number;
  /** Average over completed GETs with data. */
  bytesPerSecond: number;
}

export interface MediaFile {
  name: string;
  size: number;
  mtime: string;
}

export type AuditOutcome = 'ok' | 'denied' | 'error';

export interface AuditRecord {
  id: number;
  at: number;
  user: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
}

const MB = 1024 * 1024;
const mb = (n: number) => (n >= 10 * MB ? String(Math.round(n / MB)) : (n / MB).toFixed(1));

/** The operator's one-liner for a file the BMC is reading: "the BMC has read 12 of 16 MB of x.iso". Shared so UI and API say the same. */
export function fetchProgressText(s: FetchSummary): string {
  const rate = s.bytesPerSecond > 0 ? ` at ${mb(s.bytesPerSecond)} MB/s` : '';
  const active = s.active > 0 ? `, ${s.active} request${s.active > 1 ? 's' : ''} in progress` : '';
  return `the BMC has read ${mb(s.bytesCovered)} of ${mb(s.fileSize)} MB of ${s.file}${rate}${active}`;
}
