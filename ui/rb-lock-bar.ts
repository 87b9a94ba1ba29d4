import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConsoleStatus } from './console-client.ts';
import { controls } from './shared-styles.ts';

export type LockAction = 'request' | 'release' | 'takeover';

/**
 * Who holds the write lock (visible to every viewer) and the buttons to
 * request, release or take it over. Fires `rb-lock` with the action.
 */
@customElement('rb-lock-bar')
export class RbLockBar extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 8px;
      }
      .holder {
        color: #8b949e;
      }
      .holder b {
        color: #e6edf3;
        font-weight: 600;
      }
      .holder.mine b {
        color: #3fb950;
      }
    `,
  ];

  @property({ attribute: false }) status: ConsoleStatus | null = null;

  private fire(action: LockAction): void {
    this.dispatchEvent(new CustomEvent<LockAction>('rb-lock', { detail: action, bubbles: true, composed: true }));
  }

  override render() {
    const s = this.status;
    if (!s) return nothing;
    const online = s.link === 'open';
    const holder = s.lock;
    return html`
      <span class="holder ${s.holdsLock ? 'mine' : ''}" data-testid="lock-holder">
        ${holder ? html`Write lock: <b>${s.holdsLock ? `you (${holder.user})` : holder.user}</b>` : html`Write lock: <b>free</b>`}
      </span>
      ${s.readOnly
        ? nothing
        : s.holdsLock
          ? html`<button data-testid="lock-release" ?disabled=${!online} @click=${() => this.fire('release')}>Release lock</button>`
          : holder
            ? html`<button class="danger" data-testid="lock-takeover" ?disabled=${!online} @click=${() => this.fire('takeover')}>Take over</button>`
            : html`<button class="primary" data-testid="lock-request" ?disabled=${!online} @click=${() => this.fire('request')}>Request lock</button>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-lock-bar': RbLockBar;
  }
}
