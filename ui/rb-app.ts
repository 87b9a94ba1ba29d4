import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { fetchMe, logout, type Me } from './api.ts';
import './rb-login.ts';
import './rb-target-list.ts';
import './rb-console.ts';
import './rb-ops-bar.ts';
import './rb-audit-view.ts';
import { controls } from './shared-styles.ts';

type Route = { view: 'targets' } | { view: 'console'; target: string; mode: 'rw' | 'ro' } | { view: 'audit'; target: string };

/** Reads the route from the hash: `#/`, `#/console/<id>`, `#/console/<id>?mode=ro`, `#/audit`, `#/audit?target=<id>`. */
export function parseRoute(hash: string): Route {
  const audit = /^#\/audit(?:\?(.*))?$/.exec(hash);
  if (audit) return { view: 'audit', target: new URLSearchParams(audit[1] ?? '').get('target') ?? '' };
  const m = /^#\/console\/([^?]+)(?:\?(.*))?$/.exec(hash);
  if (!m || !m[1]) return { view: 'targets' };
  const q = new URLSearchParams(m[2] ?? '');
  return { view: 'console', target: decodeURIComponent(m[1]), mode: q.get('mode') === 'ro' ? 'ro' : 'rw' };
}

/** Top of the UI: login gate, header, and hash routing between the target list and a console. */
@customElement('rb-app')
export class RbApp extends LitElement {
  static override styles = [
    controls,
    css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      background: #0d1117;
      color: #e6edf3;
      font: 14px/1.4 system-ui, sans-serif;
    }
    header {
      display: flex;
      align-items: center;
      gap: 16px;
      padding: 8px 16px;
      background: #161b22;
      border-bottom: 1px solid #30363d;
    }
    header a.brand {
      color: #e6edf3;
      font-weight: 600;
      text-decoration: none;
      letter-spacing: 0.02em;
    }
    header .spacer {
      flex: 1;
    }
    header .who {
      color: #8b949e;
    }
    header nav a {
      color: #8b949e;
      text-decoration: none;
    }
    header nav a.current {
      color: #e6edf3;
    }
    main {
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
    }
    .msg {
      padding: 24px;
      color: #8b949e;
    }
  `,
  ];

  @state() private me: Me | null = null;
  @state() private loading = true;
  @state() private loadError = '';
  @state() private route: Route = parseRoute(location.hash);

  private readonly onHash = (): void => {
    this.route = parseRoute(location.hash);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    void this.loadMe();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHash);
    super.disconnectedCallback();
  }

  private async loadMe(): Promise<void> {
    this.loading = true;
    try {
      this.me = await fetchMe();
      this.loadError = '';
    } catch (e) {
      this.loadError = (e as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private async onLogout(): Promise<void> {
    try {
      await logout();
    } catch {
      /* the session is gone either way */
    }
    this.me = null;
  }

  override render() {
    return html`
      <header>
        <a class="brand" href="#/">rescuebox</a>
        ${this.route.view === 'console' ? html`<span class="crumb">/ ${this.route.target}</span>` : nothing}
        ${this.me
          ? html`<nav>
              <a href="#/" class=${this.route.view === 'targets' ? 'current' : ''}>Targets</a> ·
              <a href="#/audit" data-testid="nav-audit" class=${this.route.view === 'audit' ? 'current' : ''}>Audit</a>
            </nav>`
          : nothing}
        <span class="spacer"></span>
        ${this.me
          ? html`<span class="who" data-testid="whoami">${this.me.user} (${this.me.role})</span>
              ${this.me.csrfToken !== null || this.me.user !== 'anonymous'
                ? html`<button @click=${() => void this.onLogout()}>Log out</button>`
                : nothing}`
          : nothing}
      </header>
      <main>${this.renderMain()}</main>
    `;
  }

  private renderMain() {
    if (this.loading) return html`<div class="msg">Loading…</div>`;
    if (this.loadError) return html`<div class="msg">Cannot reach the server: ${this.loadError}</div>`;
    if (!this.me) return html`<rb-login @rb-login=${(e: CustomEvent<Me>) => (this.me = e.detail)}></rb-login>`;
    if (this.route.view === 'console') {
      const mode = this.me.role === 'viewer' ? 'ro' : this.route.mode;
      // A fresh element (and WebSocket) per target and mode.
      return keyed(
        `${this.route.target}\n${mode}`,
        html`<rb-ops-bar .targetId=${this.route.target} .me=${this.me}></rb-ops-bar>
          <rb-console .targetId=${this.route.target} .mode=${mode} @rb-unauthorized=${() => void this.loadMe()}></rb-console>`,
      );
    }
    if (this.route.view === 'audit') {
      return keyed(`audit\n${this.route.target}`, html`<rb-audit-view .me=${this.me} .target=${this.route.target}></rb-audit-view>`);
    }
    return html`<rb-target-list @rb-unauthorized=${() => void this.loadMe()}></rb-target-list>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-app': RbApp;
  }
}
