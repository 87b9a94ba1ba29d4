import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditSink } from '../audit/audit-sink.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { auditFetchSink } from './fetch-audit.ts';
import { FetchLog } from './fetch-log.ts';
import { startMediaServer, type MediaServer } from './media-server.ts';
import { loadOrCreateKey } from './token.ts';

/**
 * What main.ts calls to bring the media server up:
 *   const media = await setupMedia({ config, log, audit: store.audit });
 * and app.ts: registerMediaRoutes(app, media) behind the login.
 */
export async function setupMedia(o: { config: Config; log: Logger; audit?: AuditSink }): Promise<{ media: MediaServer; fetchLog: FetchLog }> {
  const fetchLog = new FetchLog({ sink: o.audit ? auditFetchSink(o.audit) : undefined });
  const key = loadOrCreateKey(join(o.config.dataDir, 'media-token.key'));
  const t = o.config.media.tls;
  const tls = t ? { cert: readFileSync(t.cert, 'utf8'), key: readFileSync(t.key, 'utf8') } : undefined;
  const media = await startMediaServer({ config: o.config.media, key, fetchLog, log: o.log, audit: o.audit, tls });
  return { media, fetchLog };
}
