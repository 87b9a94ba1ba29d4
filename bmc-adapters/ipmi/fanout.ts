import { IpmiClient } from './client.ts';
import type { SessionOptions } from './session/session.ts';
import { DEFAULT_FANOUT, mapLimit, UdpPool } from './transport/udp-pool.ts';

/** One command on many BMCs: what `rescuebox ipmi --hosts` runs, and what its benchmark times. */
export interface BmcTarget {
  host: string;
  port: number;
}

export type BmcResult<T> = { ok: true; value: T } | { ok: false; error: Error };

export interface FanOutOptions {
  /** BMCs in flight; default DEFAULT_FANOUT. */
  fanout?: number;
  /** Local address of the pool's sockets; default 0.0.0.0. */
  bindAddress?: string;
  /** Called as each BMC's command settles, before its Close Session is sent. */
  onSettled?: (index: number, result: BmcResult<unknown>) => void;
}

/** Pool sockets for n BMCs: one per 128, at most 8 (a thousand BMCs must not cost a thousand descriptors). */
export function socketsFor(n: number): number {
  return Math.min(8, Math.max(1, Math.ceil(n / 128)));
}

/**
 * Runs `fn` on a client for every target, at most `fanout` in flight over one pool; results in
 * input order, failures as values. Each client logs in with its first command, at the privilege
 * that command needs, and runs no keepalive (one command's requests keep it alive). Close Session
 * is sent once as soon as `fn` settled, without awaiting its reply or holding a slot: nothing would
 * be resent anyway. The pool is closed, its queued datagrams sent, before this returns.
 */
export async function forEachBmc<T>(targets: readonly BmcTarget[], session: SessionOptions, fn: (c: IpmiClient) => Promise<T>, o: FanOutOptions = {}): Promise<BmcResult<T>[]> {
  const pool = new UdpPool({ sockets: socketsFor(targets.length), ...(o.bindAddress ? { bindAddress: o.bindAddress } : {}) });
  try {
    return await mapLimit(targets, Math.max(1, o.fanout ?? DEFAULT_FANOUT), async (t, i): Promise<BmcResult<T>> => {
      let client: IpmiClient | undefined;
      let r: BmcResult<T>;
      try {
        client = await IpmiClient.create({ ...session, host: t.host, port: t.port, pool, keepaliveMs: 0 });
        r = { ok: true, value: await fn(client) };
      } catch (e) {
        r = { ok: false, error: e instanceof Error ? e : new Error(String(e)) };
      }
      o.onSettled?.(i, r);
      // Resolves once the request is handed to the socket: the reply is not awaited.
      await client?.close({ awaitReply: false });
      return r;
    });
  } finally {
    await pool.close();
  }
}
