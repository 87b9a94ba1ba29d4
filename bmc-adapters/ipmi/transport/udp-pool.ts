import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { randomInt } from 'node:crypto';
import { DecodeError } from '../../errors.ts';
import { peekSession, PAYLOAD_OPEN_SESSION_RESPONSE, PAYLOAD_RAKP2, PAYLOAD_RAKP4 } from '../codec/rmcpplus.ts';
import type { SessionLink } from '../session/session.ts';

/**
 * A few UDP sockets shared by every BMC session in the process: a thousand BMCs
 * must not cost a thousand file descriptors. Inbound datagrams are routed by the
 * console session id we chose (unique pool-wide), falling back to the peer address
 * for sessionless packets (IPMI 1.5 Get Channel Auth Capabilities, ASF).
 */
export interface PoolOptions {
  /** Sockets in the pool; default 4. */
  sockets?: number;
  /** Local address to bind; default 0.0.0.0 (127.0.0.1 in tests). */
  bindAddress?: string;
}

export interface PoolLink extends SessionLink {
  readonly peer: string;
  /** Stops routing packets to this link. */
  detach(): void;
}

interface Endpoint {
  address: string;
  port: number;
  socket: Socket;
  onPacket(buf: Buffer): void;
  ids: Set<number>;
}

/** dgram's `lookup` for sends that already name an address (it is called with the family, not options). */
const addressAsIs = ((address: string, _family: unknown, cb: (err: Error | null, address: string, family: number) => void): void => cb(null, address, 4)) as unknown as NonNullable<SocketOptions['lookup']>;

/** A non-zero console session id (randomInt draws from Node's own cached CSPRNG buffer). */
function randomSessionId(): number {
  return randomInt(1, 0x1_0000_0000);
}

/** How long close() waits for queued datagrams to reach the kernel. */
const FLUSH_MS = 1000;

export class UdpPool {
  private readonly sockets: Socket[] = [];
  private ready: Promise<void> | undefined;
  /** Datagrams given to a socket whose send callback has not run yet; close() waits for them. */
  private unsent = 0;
  private drained: (() => void) | undefined;
  private readonly onSent = (): void => {
    if (--this.unsent === 0) this.drained?.();
  };
  private next = 0;
  private readonly bySession = new Map<number, Endpoint>();
  private readonly byPeer = new Map<string, Set<Endpoint>>();
  readonly stats = { received: 0, unrouted: 0, sent: 0 };
  /** Attached links. The sockets keep the process alive only while some link is attached, so an idle pool never blocks exit. */
  private links = 0;

  private track(delta: 1 | -1): void {
    const before = this.links;
    this.links += delta;
    if (before === 0 && this.links > 0) for (const s of this.sockets) s.ref();
    if (before > 0 && this.links === 0) for (const s of this.sockets) s.unref();
  }

  constructor(private readonly opts: PoolOptions = {}) {}

  private start(): Promise<void> {
    this.ready ??= (async () => {
      const n = Math.max(1, this.opts.sockets ?? 4);
      for (let i = 0; i < n; i++) {
        // attach() resolves names once, so every send names an IPv4 address: skip dgram's per-send dns.lookup.
        const s = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, lookup: addressAsIs });
        s.on('message', (buf, rinfo) => this.route(buf, rinfo.address, rinfo.port));
        // A send error (ICMP unreachable surfacing as ECONNREFUSED) must not crash the process: the request times out.
        s.on('error', () => undefined);
        if (this.links === 0) s.unref();
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.bind(0, this.opts.bindAddress ?? '0.0.0.0', () => {
            s.off('error', reject);
            resolve();
          });
        });
        this.sockets.push(s);
      }
    })();
    return this.ready;
  }

  private route(buf: Buffer, address: string, port: number): void {
    this.stats.received++;
    let sid = 0;
    try {
      const p = peekSession(buf);
      sid = p.sessionId;
      // Setup replies travel with session id 0 and name our console session id at payload offset 4.
      if (sid === 0 && (p.payloadType === PAYLOAD_OPEN_SESSION_RESPONSE || p.payloadType === PAYLOAD_RAKP2 || p.payloadType === PAYLOAD_RAKP4) && buf.length >= 24) sid = buf.readUInt32LE(20);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
    if (sid !== 0) {
      const ep = this.bySession.get(sid);
      if (ep && ep.port === port && ep.address === address) ep.onPacket(buf);
      else this.stats.unrouted++;
      return;
    }
    const eps = this.byPeer.get(`${address}:${port}`);
    if (!eps) {
      this.stats.unrouted++;
      return;
    }
    for (const ep of eps) ep.onPacket(buf);
  }

  /** A link to HOST:PORT; `onPacket` gets every datagram that belongs to it. */
  async attach(host: string, port: number, onPacket: (buf: Buffer) => void): Promise<PoolLink> {
    await this.start();
    // An address needs no resolver round trip (it costs ~40 us each at 1000 BMCs).
    const address = isIPv4(host) ? host : (await lookup(host, { family: 4 })).address;
    const peer = `${address}:${port}`;
    const socket = this.sockets[this.next++ % this.sockets.length] as Socket;
    const ep: Endpoint = { address, port, socket, onPacket, ids: new Set() };
    let set = this.byPeer.get(peer);
    if (!set) this.byPeer.set(peer, (set = new Set()));
    set.add(ep);
    this.track(1);
    let attached = true;
    return {
      peer,
      send: (buf) => {
        this.stats.sent++;
        this.unsent++;
        socket.send(buf, port, address, this.onSent);
      },
      allocateSessionId: () => {
        let id: number;
        do id = randomSessionId();
        while (id === 0 || id === 0xffffffff || this.bySession.has(id));
        this.bySession.set(id, ep);
        ep.ids.add(id);
        return id;
      },
      releaseSessionId: (id) => {
        if (this.bySession.get(id) === ep) this.bySession.delete(id);
        ep.ids.delete(id);
      },
      detach: () => {
        if (attached) {
          attached = false;
          this.track(-1);
        }
        for (const id of ep.ids) if (this.bySession.get(id) === ep) this.bySession.delete(id);
        ep.ids.clear();
        const s = this.byPeer.get(peer);
        s?.delete(ep);
        if (s && s.size === 0) this.byPeer.delete(peer);
      },
    };
  }

  /**
   * Closes the sockets once every datagram was handed to the kernel (at most FLUSH_MS): one the
   * kernel did not take at once (EAGAIN) waits in libuv's queue, and closing would drop it, e.g. a
   * Close Session sent without awaiting its reply just before exit.
   */
  async close(): Promise<void> {
    const socks = this.sockets.splice(0);
    this.ready = undefined;
    if (this.unsent > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FLUSH_MS);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.drained = undefined;
    }
    await Promise.all(socks.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/**
 * BMCs in flight for a fan-out (the CLI's `--fanout` default, as ipmipower's). More buys nothing
 * once the CPU is busy (a status query is 6 round trips of microseconds on a LAN) and costs
 * memory: 256 in flight peaked ~25 MB higher than 64 for 1000 BMCs.
 */
export const DEFAULT_FANOUT = 64;

/** Runs `fn` over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k] as T, k);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

let shared: UdpPool | undefined;
/** The process-wide pool, created on first use. */
export function sharedPool(): UdpPool {
  shared ??= new UdpPool();
  return shared;
}
