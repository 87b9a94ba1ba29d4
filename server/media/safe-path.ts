import { realpathSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { MediaError } from './errors.ts';

/** One path segment: no dot-files, no separators, no encoding tricks. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Servable names end in .iso or .img (BMCs decide the media type from it). */
const MEDIA_NAME = /\.(iso|img)$/i;

export interface MediaFile {
  name: string;
  path: string;
  stat: Stats;
}

/**
 * Maps a request name (the raw, still percent-encoded path after the token)
 * to a regular file inside `root`. Refuses anything encoded, any `..`, and any
 * file whose real path (after symlinks) leaves the real root.
 */
export function resolveMediaFile(root: string, rawName: string): MediaFile {
  if (/%|\\|\0/.test(rawName)) throw new MediaError('E_MEDIA_TRAVERSAL', 400, `encoded or backslashed name refused: ${JSON.stringify(rawName)}`);
  const segs = rawName.split('/');
  if (segs.some((s) => s === '..' || s === '.')) throw new MediaError('E_MEDIA_TRAVERSAL', 400, `dot segment refused: ${JSON.stringify(rawName)}`);
  if (!segs.every((s) => SEGMENT.test(s)) || !MEDIA_NAME.test(rawName)) {
    throw new MediaError('E_MEDIA_NAME', 404, `not a media name: ${JSON.stringify(rawName)}`);
  }
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(join(realRoot, ...segs));
  } catch {
    throw new MediaError('E_MEDIA_NOT_FOUND', 404, `no such media file: ${rawName}`);
  }
  if (!real.startsWith(realRoot + sep)) throw new MediaError('E_MEDIA_TRAVERSAL', 403, `${rawName} resolves outside the media folder (${real})`);
  const stat = statSync(real);
  if (!stat.isFile()) throw new MediaError('E_MEDIA_NOT_FOUND', 404, `not a file: ${rawName}`);
  return { name: rawName, path: real, stat };
}
