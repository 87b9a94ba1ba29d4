import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { errorText, fetchAudit, type AuditFilter, type AuditRecord, type Me } from './api.ts';
import { controls } from './shared-styles.ts';

const LIMIT = 500;

/** "2026-11-26 06:41:07" in the browser's time zone. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The value of a datetime-local input as ms since the epoch (local time), undefined when empty. */
function fromLocalInput(v: string): number | undefined {
  if (!v) return undefined;
  const n = new Date(v).getTime();
  return Number.isFinite(n) ? n : undefined;
}

function detailText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/**
 * `#/audit`: the audit log from GET /api/audit, newest first, filtered by
 * user, target and time. Admins see everyone's entries; everyone else gets
 * only their own (the server enforces it; the user field is fixed for them).
 */
@customElement('rb-audit-view')
export class RbAuditView extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        padding: 16px 24px;
        overflow: auto;
      }
      h2 {
        font-size: 16px;
        font-weight: 600;
        margin: 0 0 12px;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        gap: 10px;
        margin-bottom: 12px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 2px;
        color: #8b949e;
        font-size: 12px;
      }
      input {
        padding: 4px 6px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: 5px 8px;
        border-bottom: 1px solid #21262d;
        vertical-align: top;
        font-size: 13px;
      }
      th {
        color: #8b949e;
        font-weight: 500;
        font-size: 12px;
        text-transform: uppercase;
      }
      td.time {
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }
      td.detail {
        color: #8b949e;
        font-family: 'DejaVu Sans Mono', monospace;
        font-size: 12px;
        word-break: break-all;
      }
      .outcome-ok {
        color: #3fb950;
      }
      .outcome-error,
      .outcome-denied {
        color: #f85149;
      }
      .muted {
        color: #8b949e;
      }
      .error {
        color: #f85149;
      }
    `,
  ];

  @property({ attribute: false }) me: Me | null = null;
  /** Initial target filter (from `#/audit?target=`). */
  @property() target = '';

  @state() private rows: AuditRecord[] | null = null;
  @state() private error = '';
  @state() private loading = false;
  @state() private user = '';
  @state() private since = '';
  @state() private until = '';

  private get isAdmin(): boolean {
    return this.me?.role === 'admin';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.isAdmin && this.me) this.user = this.me.user;
    void this.load();
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.error = '';
    const f: AuditFilter = { limit: LIMIT };
    if (this.user.trim()) f.user = this.user.trim();
    if (this.target.trim()) f.target = this.target.trim();
    const since = fromLocalInput(this.since);
    const until = fromLocalInput(this.until);
    if (since !== undefined) f.since = since;
    if (until !== undefined) f.until = until;
    try {
      // The server answers newest first (by id); sort again by time so the order does not depend on it.
      this.rows = (await fetchAudit(f)).sort((a, b) => b.at - a.at || b.id - a.id);
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loading = false;
    }
  }

  private submit(e: Event): void {
    e.preventDefault();
    void this.load();
  }

  private clear(): void {
    this.user = this.isAdmin ? '' : (this.me?.user ?? '');
    this.target = '';
    this.since = '';
    this.until = '';
    void this.load();
  }

  override render() {
    const val = (e: Event) => (e.target as HTMLInputElement).value;
    return html`
      <h2>Audit log</h2>
      <form data-testid="audit-filters" @submit=${(e: Event) => this.submit(e)}>
        <label
          >user
          <input name="user" data-testid="audit-user" .value=${this.user} ?disabled=${!this.isAdmin} title=${this.isAdmin ? '' : 'only admins read other users\' entries'} @input=${(e: Event) => (this.user = val(e))}
        /></label>
        <label>target <input name="target" data-testid="audit-target" .value=${this.target} @input=${(e: Event) => (this.target = val(e))} /></label>
        <label>since <input name="since" type="datetime-local" step="1" data-testid="audit-since" .value=${this.since} @input=${(e: Event) => (this.since = val(e))} /></label>
        <label>until <input name="until" type="datetime-local" step="1" data-testid="audit-until" .value=${this.until} @input=${(e: Event) => (this.until = val(e))} /></label>
        <button type="submit" class="primary" data-testid="audit-apply" ?disabled=${this.loading}>Apply</button>
        <button type="button" data-testid="audit-clear" @click=${() => this.clear()}>Clear</button>
        <span class="muted">${this.isAdmin ? 'all users' : 'your own entries only'}</span>
      </form>
      ${this.error ? html`<p class="error" data-testid="audit-error">${this.error}</p>` : nothing}
      ${this.rows === null
        ? html`<p class="muted">Loading…</p>`
        : !this.rows.length
          ? html`<p class="muted" data-testid="audit-empty">No entries match.</p>`
          : html`<table data-testid="audit-table">
              <thead>
                <tr><th>Time</th><th>User</th><th>Action</th><th>Target</th><th>Outcome</th><th>Detail</th></tr>
              </thead>
              <tbody>
                ${this.rows.map(
                  (r) => html`<tr data-testid="audit-row" data-action=${r.action} data-user=${r.user} data-target=${r.target ?? ''} data-outcome=${r.outcome}>
                    <td class="time" title=${new Date(r.at).toISOString()}>${localTime(r.at)}</td>
                    <td>${r.user}</td>
                    <td>${r.action}</td>
                    <td>${r.target ?? ''}</td>
                    <td class="outcome-${r.outcome}">${r.outcome}</td>
                    <td class="detail">${detailText(r.detail)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
            <p class="muted">${this.rows.length === LIMIT ? `the newest ${LIMIT} entries; narrow the filters to see older ones` : `${this.rows.length} entries`}</p>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-audit-view': RbAuditView;
  }
}
