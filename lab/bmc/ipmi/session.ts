import type { RmcpPlusKeys } from '../../../bmc-adapters/ipmi/codec/rmcpplus.ts';
import type { CipherSuite } from '../../../bmc-adapters/ipmi/crypto/cipher-suites.ts';
import type { Privilege } from './constants.ts';
import { SeqWindow } from './seq-window.ts';
import type { BmcUser } from './users.ts';

export type SessionState = 'opened' | 'rakp2-sent' | 'active';

export interface Peer {
  address: string;
  port: number;
}

/**
 * One RMCP+ session as the BMC holds it: from Open Session through RAKP to
 * active, with its keys, privilege and sequence numbers.
 */
export class BmcSession {
  state: SessionState = 'opened';
  /** What the console asked for at Open Session (0 = highest the suite allows). */
  requestedMaxPriv: number;
  user?: BmcUser;
  /** RAKP1's role byte exactly as received: it enters the HMACs as sent. */
  role = 0;
  /** Ceiling for Set Session Privilege: min(role, user's privilege). */
  maxPriv: Privilege = 2;
  privilege: Privilege = 2;
  consoleRandom?: Buffer;
  bmcRandom?: Buffer;
  username: Buffer = Buffer.alloc(0);
  sik?: Buffer;
  keys: RmcpPlusKeys = {};
  /** Next outbound session sequence number. */
  private outSeq = 1;
  readonly inbound = new SeqWindow();
  lastActivity: number;
  /** Replies to recent Chassis Control requests, to answer a resend without acting twice. */
  readonly recentRequests = new Map<string, { at: number; reply: Promise<{ reply: Buffer; after?: () => void }> }>();
  /** Open Session tag, to answer a retransmitted request with the same session. */
  readonly openTag: number;

  constructor(
    readonly bmcId: number,
    readonly consoleId: number,
    readonly suite: CipherSuite,
    readonly peer: Peer,
    opts: { requestedMaxPriv: number; openTag: number; now: number },
  ) {
    this.requestedMaxPriv = opts.requestedMaxPriv;
    this.openTag = opts.openTag;
    this.lastActivity = opts.now;
  }

  nextSeq(): number {
    const s = this.outSeq;
    // 0 is reserved for sessionless packets; wrap past it.
    this.outSeq = this.outSeq === 0xffffffff ? 1 : this.outSeq + 1;
    return s;
  }
}
