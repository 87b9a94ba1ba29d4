import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and "localhost": addresses no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * Plain HTTP would send session cookies and BMC passwords in clear over the
 * network, so it is allowed only on loopback. Returns the refusal, or undefined.
 */
export function listenPolicyError(listen: { host: string }, tls: { mode: 'auto' | 'off' }): string | undefined {
  if (tls.mode === 'off' && !isLoopbackHost(listen.host)) {
    return `listen.host: ${listen.host} is not a loopback address, and tls.mode is off: plain HTTP is only allowed on 127.0.0.1/::1/localhost (set tls.mode: auto, or listen on loopback)`;
  }
  return undefined;
}
