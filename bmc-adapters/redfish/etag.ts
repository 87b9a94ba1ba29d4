import { RedfishError } from './errors.ts';
import type { HttpResponse } from './http.ts';
import type { RedfishSession } from './session.ts';

/**
 * If-Match handling. The ETag comes from the last GET of the same resource
 * (header, else `@odata.etag`); an empty one is never sent. On 412 the
 * resource is read again and the PATCH repeated once; when the fresh ETag is
 * weak (`W/"x"`) the strong form `"x"` is tried as well, because some BMCs
 * compare If-Match strongly while handing out weak tags.
 */
export class EtagCache {
  private readonly tags = new Map<string, string>();

  remember(path: string, r: HttpResponse): string | undefined {
    const tag = r.headers.etag || (r.body as Record<string, unknown> | undefined)?.['@odata.etag'];
    if (typeof tag === 'string' && tag.trim()) this.tags.set(path, tag.trim());
    return this.tags.get(path);
  }

  get(path: string): string | undefined {
    return this.tags.get(path);
  }

  /** GET that also records the ETag. */
  async read<T = Record<string, unknown>>(s: RedfishSession, path: string): Promise<T> {
    const r = await s.call('GET', path);
    this.remember(path, r);
    return r.body as T;
  }

  /** PATCH with If-Match from the last GET; one refresh-and-retry on 412 (plus strong form of a weak tag). */
  async patch(s: RedfishSession, path: string, json: unknown): Promise<HttpResponse> {
    const send = (tag: string | undefined) =>
      s.request('PATCH', path, { json, headers: tag ? { 'if-match': tag } : {} });
    let r = await send(this.tags.get(path));
    if (r.status === 412 || r.status === 428) {
      const fresh = await s.call('GET', path);
      const tag = this.remember(path, fresh);
      r = await send(tag);
      if ((r.status === 412 || r.status === 428) && tag?.startsWith('W/')) r = await send(tag.slice(2));
    }
    if (r.status >= 400) throw new RedfishError('PATCH', path, r.status, r.body);
    return r;
  }
}
