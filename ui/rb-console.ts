import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import xtermCss from '@xterm/xterm/css/xterm.css';
import { consoleUrl, fetchMe, fetchTargets } from './api.ts';
import { ConsoleClient, type ConsoleStatus } from './console-client.ts';
import type { LockAction } from './rb-lock-bar.ts';
import { controls } from './shared-styles.ts';
import './rb-lock-bar.ts';

const LINK_LABEL: Record<ConsoleStatus['link'], string> = {
  connecting: 'connecting',
  open: 'open',
  reconnecting: 'reconnecting',
  closed: 'closed',
  unauthorized: 'login needed',
};

/**
 * One target's serial console: xterm.js in the shadow root, fed by a
 * ConsoleClient (binary frames, resume by offset), with a toolbar showing the
 * link and target state, the write-lock holder, lock buttons, read-only mode
 * and break.
 */
@customElement('rb-console')
export class RbConsole extends LitElement {
  static override styles = [
    unsafeCSS(xtermCss),
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        flex: 1;
        min-height: 0;
      }
      .toolbar {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 10px;
        padding: 6px 12px;
        background: #161b22;
        border-bottom: 1px solid #30363d;
      }
      .toolbar .label {
        color: #8b949e;
        font-size: 12px;
      }
      .spacer {
        flex: 1;
      }
      .notice {
        color: #d29922;
        font-size: 13px;
      }
      .error {
        color: #f85149;
        font-size: 13px;
      }
      .term {
        flex: 1;
        min-height: 0;
        padding: 6px;
        background: #0b0e14;
      }
      .term > div {
        width: 100%;
        height: 100%;
      }
    `,
  ];

  @property({ attribute: 'target-id' }) targetId = '';
  @property() mode: 'rw' | 'ro' = 'rw';

  @state() private status: ConsoleStatus | null = null;
  @state() private notice = '';
  @state() private error = '';

  @query('.term > div') private termEl!: HTMLDivElement;

  private term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private client: ConsoleClient | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private readonly encoder = new TextEncoder();
  private hadLock = false;
  private sentSize = '';

  /** The live client (status, dropLink() for a manual reconnect); null before first render and after removal. */
  get consoleClient(): ConsoleClient | null {
    return this.client;
  }

  /** The terminal's text, scrollback included, one string per row (for tests and copy-all). */
  bufferLines(): string[] {
    const buf = this.term?.buffer.active;
    if (!buf) return [];
    const out: string[] = [];
    for (let i = 0; i < buf.length; i++) out.push(buf.getLine(i)?.translateToString(true) ?? '');
    return out;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.client?.close();
    this.client = null;
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.term?.dispose();
    this.term = null;
  }

  protected override firstUpdated(_changed: PropertyValues): void {
    const term = new Terminal({
      convertEol: false,
      cursorBlink: true,
      scrollback: 5000,
      fontFamily: '"DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      disableStdin: true,
      theme: { background: '#0b0e14', foreground: '#d1d7e0', cursor: '#58a6ff', selectionBackground: '#264f78' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(this.termEl);
    this.term = term;
    this.fit = fit;
    this.refit();
    this.resizeObserver = new ResizeObserver(() => this.refit());
    this.resizeObserver.observe(this.termEl);

    const sendKeys = (data: string, binary: boolean): void => {
      const bytes = binary ? Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff) : this.encoder.encode(data);
      this.client?.sendInput(bytes);
    };
    term.onData((d) => sendKeys(d, false));
    term.onBinary((d) => sendKeys(d, true));

    const client = new ConsoleClient(
      { url: consoleUrl(this.targetId), mode: this.mode },
      {
        output: (bytes) => term.write(bytes),
        snapshot: (bytes) => {
          term.reset();
          term.write(bytes);
        },
        status: (s) => this.onStatus(s),
        error: (code, message) => {
          this.error = `${message} (${code})`;
        },
      },
    );
    this.client = client;
    client.start();
  }

  private refit(): void {
    if (!this.term || !this.fit || !this.termEl.clientWidth) return;
    try {
      this.fit.fit();
    } catch {
      return; // not laid out yet
    }
    this.sendSizeIfHolder();
  }

  /** The lock holder's window decides the console size the hub records. */
  private sendSizeIfHolder(): void {
    if (!this.term || !this.client?.status.holdsLock) return;
    const size = `${this.term.cols}x${this.term.rows}`;
    if (size === this.sentSize) return;
    this.sentSize = size;
    this.client.resize(this.term.cols, this.term.rows);
  }

  private onStatus(s: ConsoleStatus): void {
    // New object each time so lit sees the change and child elements re-render.
    this.status = { ...s };
    if (this.term) this.term.options.disableStdin = !s.holdsLock;
    if (s.holdsLock && !this.hadLock) {
      this.notice = '';
      this.error = '';
      this.sentSize = '';
      this.sendSizeIfHolder();
      this.term?.focus();
    } else if (!s.holdsLock && this.hadLock && s.lock && s.link === 'open') {
      this.notice = `${s.lock.user} took over the write lock`;
    }
    this.hadLock = s.holdsLock;
    this.dataset.link = s.link;
    this.dataset.conn = s.conn;
    this.dataset.lock = s.lock?.user ?? '';
    this.dataset.holdsLock = String(s.holdsLock);
    this.dataset.reconnects = String(s.reconnects);
    if (s.link === 'unauthorized') this.dispatchEvent(new CustomEvent('rb-unauthorized', { bubbles: true, composed: true }));
    // A refused upgrade (401, 404) only shows as a failed connect: find out why, once per streak.
    if (s.failedAttempts === 2) void this.diagnose();
  }

  private async diagnose(): Promise<void> {
    try {
      if (!(await fetchMe())) {
        this.client?.close();
        this.dispatchEvent(new CustomEvent('rb-unauthorized', { bubbles: true, composed: true }));
        return;
      }
      const targets = await fetchTargets();
      if (!targets.some((t) => t.id === this.targetId)) {
        this.client?.close();
        this.error = `no target ${this.targetId}`;
      }
    } catch {
      /* server unreachable: keep retrying */
    }
  }

  private onLock(e: CustomEvent<LockAction>): void {
    const c = this.client;
    if (!c) return;
    this.error = '';
    if (e.detail === 'request') c.requestLock();
    else if (e.detail === 'release') c.releaseLock();
    else c.takeOver();
  }

  override render() {
    const s = this.status;
    const link = s?.link ?? 'connecting';
    const conn = s?.conn ?? 'unknown';
    return html`
      <div class="toolbar">
        <span class="label">link</span>
        <span class="badge ${link}" data-testid="link-state">${LINK_LABEL[link]}</span>
        <span class="label">target</span>
        <span class="badge ${conn}" data-testid="conn-state" title=${s?.connReason ?? ''}>${conn}</span>
        ${s?.readOnly ? html`<span class="badge ro" data-testid="read-only">read-only</span>` : nothing}
        <rb-lock-bar .status=${s} @rb-lock=${(e: CustomEvent<LockAction>) => this.onLock(e)}></rb-lock-bar>
        ${s && !s.readOnly
          ? html`<button data-testid="break" title="Send a serial break" ?disabled=${!s.holdsLock || link !== 'open'} @click=${() => this.client?.sendBreak()}>
              Break
            </button>`
          : nothing}
        <span class="notice" data-testid="notice">${this.notice}</span>
        <span class="error" data-testid="error">${this.error}</span>
        <span class="spacer"></span>
        <span class="label" data-testid="viewers">${s ? `${s.viewers.length || 1} viewer${(s.viewers.length || 1) === 1 ? '' : 's'}` : ''}</span>
      </div>
      <div class="term"><div></div></div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-console': RbConsole;
  }
}
