import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { TargetSummary } from '../server/wire.ts';
import { ApiError, fetchTargets } from './api.ts';
import { controls } from './shared-styles.ts';

/** Targets from GET /api/targets with their console state, refreshed every few seconds. */
@customElement('rb-target-list')
export class RbTargetList extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        padding: 16px 24px;
      }
      h2 {
        font-size: 16px;
        font-weight: 600;
        margin: 0 0 12px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        max-width: 960px;
      }
      th,
      td {
        text-align: left;
        padding: 8px 10px;
        border-bottom: 1px solid #21262d;
      }
      th {
        color: #8b949e;
        font-weight: 500;
        font-size: 12px;
        text-transform: uppercase;
      }
      a {
        color: #58a6ff;
        text-decoration: none;
      }
      .muted {
        color: #8b949e;
      }
      .tag {
        margin-right: 4px;
      }
    `,
  ];

  @state() private targets: TargetSummary[] | null = null;
  @state() private error = '';
  private timer: ReturnType<typeof setInterval> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), 5000);
  }

  override disconnectedCallback(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    super.disconnectedCallback();
  }

  private async refresh(): Promise<void> {
    try {
      this.targets = await fetchTargets();
      this.error = '';
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.dispatchEvent(new CustomEvent('rb-unauthorized', { bubbles: true, composed: true }));
        return;
      }
      this.error = (e as Error).message;
    }
  }

  override render() {
    if (this.error) return html`<p class="muted">Cannot list targets: ${this.error}</p>`;
    if (!this.targets) return html`<p class="muted">Loading targets…</p>`;
    if (!this.targets.length) return html`<p class="muted">No targets configured.</p>`;
    return html`
      <h2>Targets</h2>
      <table>
        <thead>
          <tr><th>Target</th><th>Console</th><th>State</th><th>Tags</th><th></th></tr>
        </thead>
        <tbody>
          ${this.targets.map(
            (t) => html`<tr data-target=${t.id}>
              <td><a href="#/console/${encodeURIComponent(t.id)}">${t.name || t.id}</a> <span class="muted">${t.name && t.name !== t.id ? t.id : ''}</span></td>
              <td class="muted">${t.console.description || t.console.kind}</td>
              <td><span class="badge ${t.console.state}">${t.console.state}</span></td>
              <td>${t.tags.map((g) => html`<span class="badge tag">${g}</span>`)}</td>
              <td>
                <a href="#/console/${encodeURIComponent(t.id)}">Console</a> ·
                <a href="#/console/${encodeURIComponent(t.id)}?mode=ro">read-only</a> ·
                <a href="#/audit?target=${encodeURIComponent(t.id)}">audit</a>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-target-list': RbTargetList;
  }
}
