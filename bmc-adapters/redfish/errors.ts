import { AdapterError } from '../errors.ts';

/**
 * A Redfish service answered with an error status. Keeps the status, the
 * MessageIds and the properties the service blamed so callers can decide on a
 * fallback (e.g. add TransferProtocolType) without string-matching twice.
 */
export class RedfishError extends AdapterError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly messageIds: string[];
  /** Property names from RelatedProperties / MessageArgs, without `#/` or `/`. */
  readonly related: string[];
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    const info = extendedInfo(body);
    const text = errorText(body, info);
    super(`E_REDFISH_${status}`, `${method} ${path}: HTTP ${status}${text ? `: ${text}` : ''}`);
    this.status = status;
    this.method = method;
    this.path = path;
    this.body = body;
    this.messageIds = info.map((i) => String(i.MessageId ?? '')).filter(Boolean);
    this.related = relatedProps(info);
  }

  /** Whether the service blamed property `name`, by RelatedProperties, MessageArgs or free text (QUIRKS G1, rule 6). */
  blames(name: string): boolean {
    if (this.related.includes(name)) return true;
    return new RegExp(`\\b${name}\\b`).test(JSON.stringify(this.body ?? ''));
  }
}

type Info = Record<string, unknown>;

/** `@Message.ExtendedInfo` can be an array or a single object (QUIRKS G2). */
export function extendedInfo(body: unknown): Info[] {
  const err = (body as { error?: Record<string, unknown> } | null)?.error;
  const raw = err?.['@Message.ExtendedInfo'] ?? (body as Record<string, unknown> | null)?.['@Message.ExtendedInfo'];
  if (Array.isArray(raw)) return raw.filter((x): x is Info => !!x && typeof x === 'object');
  if (raw && typeof raw === 'object') return [raw as Info];
  return [];
}

function relatedProps(info: Info[]): string[] {
  const out = new Set<string>();
  for (const i of info) {
    const rp = i.RelatedProperties;
    if (Array.isArray(rp)) for (const p of rp) out.add(String(p).replace(/^#?\//, ''));
    // MessageArgs is sometimes the string "[]" (QUIRKS D14): only arrays count.
    const id = String(i.MessageId ?? '');
    if (Array.isArray(i.MessageArgs) && /ParameterMissing|PropertyMissing|PropertyValue/.test(id)) {
      for (const a of i.MessageArgs) if (typeof a === 'string') out.add(a.replace(/^#?\//, ''));
    }
  }
  return [...out];
}

function errorText(body: unknown, info: Info[]): string {
  const err = (body as { error?: Record<string, unknown> } | null)?.error;
  const parts = info.map((i) => String(i.Message ?? i.MessageId ?? '')).filter(Boolean);
  if (parts.length) return parts.join('; ');
  return typeof err?.message === 'string' ? err.message : '';
}
