import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { request } from 'undici';

/**
 * Fetches a virtual-media image the way BMCs do: a HEAD for the size, then
 * fixed-size Range requests, so the box's media server sees (and logs)
 * partial reads. The file is complete before the drive is loaded.
 */
export class MediaFetchError extends Error {
  readonly code = 'E_MEDIA_FETCH';
}

export interface MediaFetchResult {
  path: string;
  bytes: number;
  requests: number;
}

export async function downloadWithRanges(url: string, dest: string, chunkBytes = 4 * 1024 * 1024): Promise<MediaFetchResult> {
  const head = await request(url, { method: 'HEAD' });
  await head.body.dump();
  if (head.statusCode !== 200) throw new MediaFetchError(`HEAD ${url}: HTTP ${head.statusCode}`);
  const size = Number(head.headers['content-length']);
  if (!Number.isFinite(size) || size <= 0) throw new MediaFetchError(`HEAD ${url}: no usable Content-Length`);
  const tmp = `${dest}.part`;
  const out = createWriteStream(tmp);
  let requests = 0;
  try {
    for (let start = 0; start < size; start += chunkBytes) {
      const end = Math.min(size, start + chunkBytes) - 1;
      const res = await request(url, { headers: { range: `bytes=${start}-${end}` } });
      requests++;
      if (res.statusCode !== 206) {
        await res.body.dump();
        throw new MediaFetchError(`GET ${url} bytes=${start}-${end}: HTTP ${res.statusCode}, expected 206`);
      }
      let got = 0;
      for await (const chunk of res.body) {
        got += (chunk as Buffer).length;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (got !== end - start + 1) throw new MediaFetchError(`GET ${url} bytes=${start}-${end}: got ${got} bytes`);
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await rename(tmp, dest);
    return { path: dest, bytes: size, requests };
  } catch (e) {
    out.destroy();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
