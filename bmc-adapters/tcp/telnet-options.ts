import { encodeNegotiation, OPT_BINARY, OPT_COM_PORT, OPT_ECHO, OPT_SGA, type NegotiationVerb } from './telnet-codec.ts';

/**
 * Option negotiation state per RFC 1143 (the "Q method", without the queue
 * bit): no answer loops, no answer to a request we did not change state for.
 * `us` = options on our side (WILL/WONT), `him` = on the peer's (DO/DONT).
 */
type Q = 'no' | 'yes' | 'wantno' | 'wantyes';

export interface TelnetPolicy {
  /** Options we agree to perform (answer DO with WILL). */
  local: ReadonlySet<number>;
  /** Options we let the peer perform (answer WILL with DO). */
  remote: ReadonlySet<number>;
}

/** A console client: 8-bit clean both ways, no go-aheads, the far end echoes; COM-PORT if asked. */
export const CONSOLE_CLIENT_POLICY: TelnetPolicy = {
  local: new Set([OPT_BINARY, OPT_SGA, OPT_COM_PORT]),
  remote: new Set([OPT_BINARY, OPT_SGA, OPT_ECHO, OPT_COM_PORT]),
};

export class TelnetOptions {
  private readonly us = new Map<number, Q>();
  private readonly him = new Map<number, Q>();

  constructor(private readonly policy: TelnetPolicy = CONSOLE_CLIENT_POLICY) {}

  isLocal(option: number): boolean {
    return this.us.get(option) === 'yes';
  }
  isRemote(option: number): boolean {
    return this.him.get(option) === 'yes';
  }

  /** Our opening requests once telnet is known to be spoken. */
  initialRequests(opts: { comPort?: boolean } = {}): Buffer[] {
    const out: Buffer[] = [];
    for (const o of [OPT_BINARY, OPT_SGA]) {
      out.push(...this.requestLocal(o), ...this.requestRemote(o));
    }
    out.push(...this.requestRemote(OPT_ECHO));
    if (opts.comPort) out.push(...this.requestLocal(OPT_COM_PORT));
    return out;
  }

  requestLocal(option: number): Buffer[] {
    if ((this.us.get(option) ?? 'no') !== 'no') return [];
    this.us.set(option, 'wantyes');
    return [encodeNegotiation('WILL', option)];
  }

  requestRemote(option: number): Buffer[] {
    if ((this.him.get(option) ?? 'no') !== 'no') return [];
    this.him.set(option, 'wantyes');
    return [encodeNegotiation('DO', option)];
  }

  /** Handles the peer's DO/DONT/WILL/WONT; returns our answer, if one is due. */
  receive(verb: NegotiationVerb, option: number): Buffer[] {
    const isHim = verb === 'WILL' || verb === 'WONT';
    const table = isHim ? this.him : this.us;
    const accept = (isHim ? this.policy.remote : this.policy.local).has(option);
    const [yesVerb, noVerb]: NegotiationVerb[] = isHim ? ['DO', 'DONT'] : ['WILL', 'WONT'];
    const state = table.get(option) ?? 'no';
    const enable = verb === 'WILL' || verb === 'DO';
    if (enable) {
      switch (state) {
        case 'no':
          if (accept) {
            table.set(option, 'yes');
            return [encodeNegotiation(yesVerb as NegotiationVerb, option)];
          }
          return [encodeNegotiation(noVerb as NegotiationVerb, option)];
        case 'wantyes':
          table.set(option, 'yes');
          return [];
        case 'wantno':
          // The peer answered our "no" with "yes": RFC 1143 calls it an error; settle on no.
          table.set(option, 'no');
          return [];
        case 'yes':
          return [];
      }
    }
    switch (state) {
      case 'yes':
        table.set(option, 'no');
        return [encodeNegotiation(noVerb as NegotiationVerb, option)];
      case 'wantyes':
      case 'wantno':
        table.set(option, 'no');
        return [];
      case 'no':
        return [];
    }
  }
}
