import { z } from 'zod';

/**
 * `media:` section of the configuration. The media server listens on its own
 * address because BMCs sit on a management network the UI may not face.
 */
export const MediaConfigSchema = z
  .object({
    /** Folder whose *.iso / *.img files are served; nothing outside it ever is. */
    dir: z.string().default('rescue-image/dist'),
    listen: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8081),
      })
      .default({ host: '127.0.0.1', port: 8081 }),
    /** Base URL the BMCs use (e.g. http://10.0.0.5:8081) when listen.host is a wildcard or NATed. */
    publicUrl: z.string().url().optional(),
    /**
     * PEM files to serve HTTPS instead of HTTP: OpenBMC/bmcweb only mounts https:// (or smb://) images
     * (QUIRKS O3). Most BMCs do not verify the certificate (VerifyCertificate false).
     */
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    /** Lifetime of a per-target access path. */
    tokenTtlS: z.number().int().min(60).max(7 * 86400).default(6 * 3600),
  })
  .default({ dir: 'rescue-image/dist', listen: { host: '127.0.0.1', port: 8081 }, tokenTtlS: 6 * 3600 });

export type MediaConfig = z.infer<typeof MediaConfigSchema>;
