import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { hasRole, requireRole } from '../auth/require-role.ts';
import { ApiError } from '../auth/api-error.ts';
import { MediaError } from './errors.ts';
import type { FetchLog } from './fetch-log.ts';
import type { MediaServer } from './media-server.ts';

/**
 * Operator-facing media API on the UI app (behind its login):
 *   GET  /api/media/fetches?target=ID   every fetch + per-file coverage ("read 12 of 16 MB")
 *   GET  /api/media/files               servable images
 *   POST /api/media/links {target,name} a per-target expiring URL for a BMC
 */
export function registerMediaRoutes(app: Hono<AppEnv>, deps: { fetchLog: FetchLog; media: MediaServer }): void {
  app.get('/api/media/fetches', requireRole('viewer'), (c) => {
    const target = c.req.query('target') || undefined;
    return c.json({ summary: deps.fetchLog.summary({ target }), fetches: deps.fetchLog.list({ target }) });
  });
  app.get('/api/media/files', requireRole('viewer'), (c) => c.json(deps.media.listFiles()));
  app.post('/api/media/links', requireRole('viewer'), async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { target?: unknown; name?: unknown };
    if (typeof b.target !== 'string') throw new ApiError(400, 'E_BAD_REQUEST', 'target is required (a target id)', 'target');
    if (typeof b.name !== 'string') throw new ApiError(400, 'E_BAD_REQUEST', 'name is required (a file in the media folder)', 'name');
    // Handing a BMC an image is an operator action on that target (tag grants count).
    if (!hasRole(c, 'operator', b.target)) throw new ApiError(403, 'E_FORBIDDEN', `operator role on ${b.target} required`, 'target');
    try {
      return c.json(deps.media.urlFor(b.target, b.name));
    } catch (e) {
      if (e instanceof MediaError) throw new ApiError(404, e.code, e.message, 'name');
      throw e;
    }
  });
}
