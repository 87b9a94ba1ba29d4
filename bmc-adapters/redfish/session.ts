import { AdapterError } from '../errors.ts';
import { RedfishError } from './errors.ts';
import type { HttpRequest, HttpResponse, RedfishHttp } from './http.ts';

export interface Credentials {
  user: string;
  password: string;
}

export interface RequestOptions extends HttpRequest {
  /** Force HTTP Basic for this request (InsertMedia on BMCs that unmount when the session ends). */
  basic?: boolean;
}

/**
 * Authentication to one BMC: a SessionService session when the service has
 * one (X-Auth-Token), HTTP Basic otherwise. A 401 on a session request means
 * the token expired (QUIRKS G6): log in again once and repeat the request.
 */
export class RedfishSession {
  mode: 'none' | 'session' | 'basic' = 'none';
  private token: string | undefined;
  /** URI of our session resource, for DELETE on close. */
  sessionUri: string | undefined;
  private sessionsPath = '/redfish/v1/SessionService/Sessions';
  logins = 0;

  constructor(
    readonly http: RedfishHttp,
    private readonly creds: Credentials,
  ) {}

  /** `sessionsPath` comes from ServiceRoot Links.Sessions (old iDRAC9 uses /redfish/v1/Sessions, QUIRKS D13). */
  async login(sessionsPath?: string): Promise<void> {
    if (sessionsPath) this.sessionsPath = sessionsPath;
    const r = await this.http.send('POST', this.sessionsPath, { json: { UserName: this.creds.user, Password: this.creds.password } });
    this.logins++;
    if (r.status === 401 || r.status === 403) {
      throw new AdapterError('E_REDFISH_AUTH', `login to ${this.http.origin} refused (HTTP ${r.status}): check user and password`);
    }
    const token = r.headers['x-auth-token'];
    if (r.status >= 200 && r.status < 300 && token) {
      this.mode = 'session';
      this.token = token;
      const odataId = (r.body as { '@odata.id'?: string } | undefined)?.['@odata.id'];
      this.sessionUri = r.headers.location ? new URL(r.headers.location, this.http.origin).pathname : odataId;
      return;
    }
    // No usable SessionService (absent, 404/405/501, or no token): HTTP Basic on every request.
    this.mode = 'basic';
    this.token = undefined;
  }

  private authHeaders(basic: boolean): Record<string, string> {
    if (basic || this.mode !== 'session' || !this.token) {
      return { authorization: 'Basic ' + Buffer.from(`${this.creds.user}:${this.creds.password}`).toString('base64') };
    }
    return { 'x-auth-token': this.token };
  }

  /** One request with auth; returns error statuses as they are (callers decide). */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const go = () => this.http.send(method, path, { ...opts, headers: { ...opts.headers, ...this.authHeaders(!!opts.basic) } });
    const r = await go();
    if (r.status === 401 && this.mode === 'session' && !opts.basic) {
      await this.login();
      if (this.mode === 'session') return go();
    }
    return r;
  }

  /** Like request, but a status >= 400 throws RedfishError. */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const r = await this.request(method, path, opts);
    if (r.status >= 400) throw new RedfishError(method, path, r.status, r.body);
    return r;
  }

  async get<T = Record<string, unknown>>(path: string): Promise<T> {
    return (await this.call('GET', path)).body as T;
  }

  /** DELETE our session so the BMC's session table does not fill up; errors ignored (closing anyway). */
  async close(): Promise<void> {
    if (this.mode === 'session' && this.sessionUri) {
      try {
        await this.http.send('DELETE', this.sessionUri, { headers: this.authHeaders(false) });
      } catch {
        /* best effort */
      }
    }
    this.mode = 'none';
    this.token = undefined;
  }
}
