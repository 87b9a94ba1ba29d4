import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { TLSSocket } from 'node:tls';
import { AdapterError } from '../errors.ts';
import { checkPin, type PinPolicy } from './tls-pin.ts';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or undefined for an empty / non-JSON body. */
  body: unknown;
}

export interface HttpRequest {
  headers?: Record<string, string>;
  /** Serialised as JSON; `undefined` sends no body. */
  json?: unknown;
}

export interface HttpOptions {
  baseUrl: string;
  pin: PinPolicy;
  timeoutMs?: number;
}

/**
 * HTTPS transport to one BMC, JSON in and out.
 *
 * Certificate checking: `rejectUnauthorized: false` is set ONLY because the
 * CA chain of a self-signed BMC certificate can never validate; it is always
 * paired with the mandatory SHA-256 pin check below (tls-pin.ts), which runs
 * on every new TLS connection before any request is written. There is no
 * switch that turns the pin check off.
 */
export class RedfishHttp {
  readonly origin: string;
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(opts: HttpOptions) {
    const u = new URL(opts.baseUrl);
    if (u.protocol !== 'https:') throw new AdapterError('E_REDFISH_URL', `Redfish needs https:// (got ${u.protocol})`);
    this.origin = u.origin;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const hostPort = `${u.hostname}:${u.port || '443'}`;
    const base = buildConnector({ rejectUnauthorized: false, timeout: this.timeoutMs });
    const connect: buildConnector.connector = (options, cb) =>
      base(options, (err, socket) => {
        if (err || !socket) return cb(err ?? new Error('no socket'), null);
        try {
          const cert = (socket as TLSSocket).getPeerCertificate();
          checkPin(opts.pin, hostPort, cert.fingerprint256 ?? '');
        } catch (e) {
          socket.destroy();
          return cb(e as Error, null);
        }
        cb(null, socket);
      });
    // One connection at a time: several BMCs choke on parallel / long-lived keep-alive use (QUIRKS G3).
    this.agent = new Agent({ connect, connections: 1, keepAliveTimeout: 4_000 });
  }

  async send(method: string, path: string, req: HttpRequest = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', 'odata-version': '4.0', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await this.agent.request({
        origin: this.origin,
        path,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (e) {
      if (e instanceof AdapterError) throw e;
      throw new AdapterError('E_REDFISH_CONNECT', `${method} ${this.origin}${path}: ${(e as Error).message}`, { cause: e });
    }
    const text = await res.body.text();
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    let parsed: unknown;
    if (text.trim()) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: res.statusCode, headers: flat, body: parsed };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
