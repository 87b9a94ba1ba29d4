import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Role } from '../server/wire.ts';
import { fetchTargets, roleOn, type Me } from './api.ts';
import { controls } from './shared-styles.ts';
import './rb-power-panel.ts';
import './rb-media-panel.ts';

/**
 * The operator's controls above a target's console: power and boot
 * (`rb-power-panel`) beside virtual media (`rb-media-panel`). Works out the
 * user's role on this target (global role raised by grants on the target's
 * tags, from GET /api/targets) and hands it to both panels.
 */
@customElement('rb-ops-bar')
export class RbOpsBar extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 32px;
        padding: 8px 12px;
        background: #11161d;
        border-bottom: 1px solid #30363d;
      }
      rb-power-panel,
      rb-media-panel {
        min-width: 0;
      }
    `,
  ];

  @property({ attribute: 'target-id' }) targetId = '';
  @property({ attribute: false }) me: Me | null = null;

  /** null until the target's tags are known (grants may raise the role). */
  @state() private access: Role | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.resolveRole();
  }

  private async resolveRole(): Promise<void> {
    const me = this.me;
    if (!me) return;
    let tags: string[] = [];
    if (me.grants.length) {
      try {
        tags = (await fetchTargets()).find((t) => t.id === this.targetId)?.tags ?? [];
      } catch {
        /* fall back to the user's global role */
      }
    }
    this.access = roleOn(me, tags);
    this.dataset.access = this.access;
  }

  override render() {
    if (!this.access) return html``;
    return html`
      <rb-power-panel .targetId=${this.targetId} .access=${this.access}></rb-power-panel>
      <rb-media-panel .targetId=${this.targetId} .access=${this.access}></rb-media-panel>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-ops-bar': RbOpsBar;
  }
}
