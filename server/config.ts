import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { listenPolicyError } from './tls/listen-policy.ts';
import { MediaConfigSchema } from './media/media-config.ts';
import { TargetCreateSchema } from './targets/target-schema.ts';

/**
 * Configuration: a YAML/JSON file (RESCUEBOX_CONFIG or --config), then
 * environment overrides. Anything invalid stops the start with the field's path.
 */
/**
 * Targets declared in the file: the same shape as POST /api/targets, minus
 * secrets. BMC passwords and keys go through the API, which stores them
 * encrypted; a file on disk would hold them in clear.
 */
export const TargetConfigSchema = TargetCreateSchema.superRefine((t, ctx) => {
  for (const k of ['password', 'kg'] as const) {
    if (t.bmc[k] !== undefined) ctx.addIssue({ code: 'custom', path: ['bmc', k], message: `not allowed in the configuration file: set it with PATCH /api/targets/${t.id} (stored encrypted)` });
  }
});

export const ConfigSchema = z.object({
  listen: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
    })
    .default({ host: '127.0.0.1', port: 8080 }),
  dataDir: z.string().default('var/data'),
  console: z
    .object({
      ringBytes: z.number().int().min(4096).default(4 * 1024 * 1024),
      transcriptMaxBytes: z.number().int().min(4096).default(64 * 1024 * 1024),
      transcriptKeep: z.number().int().min(1).default(8),
      /** Bytes queued for one viewer before it is switched to snapshot-resync. */
      viewerHighWaterBytes: z.number().int().min(1024).default(8 * 1024 * 1024),
    })
    .default({ ringBytes: 4 * 1024 * 1024, transcriptMaxBytes: 64 * 1024 * 1024, transcriptKeep: 8, viewerHighWaterBytes: 8 * 1024 * 1024 }),
  lab: z
    .object({
      /** Start lab machines and register them as targets (npm start's default). */
      enabled: z.boolean().default(true),
      machines: z.number().int().min(0).max(16).default(1),
    })
    .default({ enabled: true, machines: 1 }),
  targets: z.array(TargetConfigSchema).default([]),
  /** HTTPS by default: 'auto' generates a self-signed certificate into <dataDir>/tls unless cert+key are given; 'off' only on loopback. */
  tls: z
    .object({
      mode: z.enum(['auto', 'off']).default('auto'),
      cert: z.string().optional(),
      key: z.string().optional(),
    })
    .default({ mode: 'auto' }),
  auth: z
    .object({
      /** Origins (scheme://host:port) accepted besides the host the browser addressed, e.g. behind a renaming proxy. */
      allowedOrigins: z.array(z.string().url()).default([]),
    })
    .default({ allowedOrigins: [] }),
  media: MediaConfigSchema,
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  readonly code = 'E_CONFIG';
}

function formatIssues(source: string, err: z.ZodError): string {
  return err.issues
    .map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n');
}

/** Environment overrides, applied on top of the file. */
function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const listen: Record<string, unknown> = {};
  if (env.RESCUEBOX_HOST) listen.host = env.RESCUEBOX_HOST;
  if (env.RESCUEBOX_PORT) listen.port = Number(env.RESCUEBOX_PORT);
  if (Object.keys(listen).length) o.listen = listen;
  if (env.RESCUEBOX_DATA_DIR) o.dataDir = env.RESCUEBOX_DATA_DIR;
  if (env.RESCUEBOX_TLS) o.tls = { mode: env.RESCUEBOX_TLS };
  if (env.RESCUEBOX_LAB) o.lab = { enabled: env.RESCUEBOX_LAB !== '0' && env.RESCUEBOX_LAB !== 'false' };
  if (env.RESCUEBOX_MEDIA_PORT) o.media = { listen: { port: Number(env.RESCUEBOX_MEDIA_PORT) } };
  return o;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; raw?: unknown } = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.RESCUEBOX_CONFIG;
  let fromFile: Record<string, unknown> = {};
  let source = 'defaults';
  if (opts.raw !== undefined) {
    fromFile = opts.raw as Record<string, unknown>;
    source = 'config';
  } else if (file) {
    source = resolve(file);
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (e) {
      throw new ConfigError(`${source}: cannot read: ${(e as Error).message}`);
    }
    try {
      fromFile = (parseYaml(text) ?? {}) as Record<string, unknown>;
    } catch (e) {
      const ye = e as Error & { linePos?: { line: number; col: number }[] };
      const pos = ye.linePos?.[0];
      throw new ConfigError(`${source}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${ye.message.split('\n')[0]}`);
    }
  }
  const parsed = ConfigSchema.safeParse(merge(fromFile, envOverrides(env)));
  if (!parsed.success) throw new ConfigError(formatIssues(source, parsed.error));
  const refusal = listenPolicyError(parsed.data.listen, parsed.data.tls);
  if (refusal) throw new ConfigError(`${source}: ${refusal}`);
  return parsed.data;
}
