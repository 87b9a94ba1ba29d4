import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../auth/api-error.ts';
import { requireRole } from '../auth/require-role.ts';
import { validateBody } from '../auth/validate-body.ts';
import { MediaError } from '../media/errors.ts';
import type { OperationDeps } from './operation-deps.ts';
import { fetchProgressText } from '../wire.ts';
import { MediaBodySchema } from './operation-schemas.ts';
import { runOperation, type OperationRunner } from './run-operation.ts';

/**
 *   POST /api/targets/:id/media {action:'insert', file} | {action:'eject'}
 *   GET  /api/targets/:id/media   slot state + what the BMC fetched from the media server
 * Insert mints a per-target expiring URL (the token is in the path, so it is
 * never written to the audit log) and hands it to the BMC.
 */
export function registerMediaOperationRoutes(app: Hono<AppEnv>, r: OperationRunner, media: OperationDeps['media']): void {
  const operator = requireRole('operator', { targetParam: 'id' });

  app.post('/api/targets/:id/media', operator, async (c) => {
    const body = await validateBody(c, MediaBodySchema);
    const id = c.req.param('id');
    if (body.action === 'eject') {
      return runOperation(c, r, { audit: 'media.eject', detail: {}, run: async (ctl) => ({ action: 'eject', slot: await ctl.mediaEject() }) });
    }
    let expiresAt = 0;
    return runOperation(c, r, {
      audit: 'media.insert',
      detail: { file: body.file },
      run: async (ctl) => {
        if (ctl.protocol === 'ipmi') return { action: 'insert', slot: await ctl.mediaInsert('') };
        if (!media) throw new ApiError(503, 'E_NO_MEDIA_SERVER', 'the media server is not running on this box', 'file');
        let url: string;
        try {
          ({ url, expiresAt } = media.media.urlFor(id, body.file));
        } catch (e) {
          if (e instanceof MediaError) throw new ApiError(404, e.code, `${body.file}: ${e.message}`, 'file');
          throw e;
        }
        return { action: 'insert', file: body.file, expiresAt, slot: await ctl.mediaInsert(url) };
      },
      resultDetail: () => ({ expiresAt }),
    });
  });

  app.get('/api/targets/:id/media', operator, (c) => {
    const id = c.req.param('id');
    return runOperation(c, r, {
      run: async (ctl) => {
        const fetches = media ? media.fetchLog.summary({ target: id }) : [];
        return { protocol: ctl.protocol, slot: await ctl.mediaStatus(), fetches: fetches.map((s) => ({ ...s, text: fetchProgressText(s) })), mediaServer: media ? media.media.baseUrl : null };
      },
    });
  });
}
