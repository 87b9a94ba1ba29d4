import { z } from 'zod';

/** What an admin sends to create or replace a target. Secrets ride along write-only. */
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, starting with a letter or digit');
const tag = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'tags are lowercase letters, digits, dot, dash, underscore');
const host = z.string().min(1).max(253).regex(/^[A-Za-z0-9.:_[\]-]+$/, 'a host name or IP address');

export const BmcSchema = z.strictObject({
  protocol: z.enum(['none', 'ipmi', 'redfish']),
  address: host.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().max(64).optional(),
  /** Write-only: stored encrypted, never returned. */
  password: z.string().max(256).optional(),
  /** IPMI 2.0 K_g key (hex), write-only. */
  kg: z.string().regex(/^[0-9a-fA-F]{0,40}$/, 'hex, up to 40 digits').optional(),
});

export const ConsoleSchema = z.strictObject({
  transport: z.enum(['ipmi-sol', 'tcp', 'ssh', 'serial']),
  host: host.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  device: z.string().max(200).optional(),
  baud: z.number().int().positive().optional(),
  telnet: z.enum(['auto', 'on', 'off']).optional(),
});

const base = {
  name: z.string().min(1).max(100).optional(),
  tags: z.array(tag).max(32).default([]),
  bmc: BmcSchema.default({ protocol: 'none' }),
  console: ConsoleSchema,
  settings: z.record(z.string(), z.unknown()).default({}),
};

export const TargetCreateSchema = z
  .strictObject({ id, ...base })
  .superRefine((t, ctx) => {
    if (t.bmc.protocol !== 'none' && !t.bmc.address) ctx.addIssue({ code: 'custom', path: ['bmc', 'address'], message: `required when bmc.protocol is ${t.bmc.protocol}` });
    if (t.console.transport === 'ipmi-sol' && t.bmc.protocol !== 'ipmi') ctx.addIssue({ code: 'custom', path: ['console', 'transport'], message: 'ipmi-sol needs bmc.protocol ipmi' });
    if ((t.console.transport === 'tcp' || t.console.transport === 'ssh') && !t.console.host) ctx.addIssue({ code: 'custom', path: ['console', 'host'], message: `required for console.transport ${t.console.transport}` });
    if (t.console.transport === 'serial' && !t.console.device) ctx.addIssue({ code: 'custom', path: ['console', 'device'], message: 'required for console.transport serial' });
  });

/** PATCH: every top-level field optional; nested objects replace (secrets kept unless given). */
export const TargetPatchSchema = z.strictObject({
  name: base.name,
  tags: z.array(tag).max(32).optional(),
  bmc: BmcSchema.optional(),
  console: ConsoleSchema.optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export type TargetCreate = z.infer<typeof TargetCreateSchema>;
export type TargetPatch = z.infer<typeof TargetPatchSchema>;
export const TargetIdSchema = id;
