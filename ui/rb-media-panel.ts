import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Role } from '../server/wire.ts';
import {
  ApiError, atLeast, errorText, fetchMediaFetches, fetchMediaFiles, fetchTargetMedia, mediaEject, mediaInsert, progressText,
  type FetchSummary, type MediaFile, type MediaSlot,
} from './api.ts';
import { controls, panel } from './shared-styles.ts';

/** Progress is read this often while the BMC is fetching (media server's log only, no BMC session). */
const ACTIVE_MS = 1000;
/** ...and this often otherwise. */
const IDLE_MS = 10_000;
/** After an insert, poll fast for this long even before the BMC's first request shows up. */
const AFTER_INSERT_MS = 30_000;

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

/**
 * Virtual media for one target: the images the media server can serve
 * (GET /api/media/files), insert into / eject from the BMC's virtual CD
 * (POST /api/targets/:id/media), the slot state (GET /api/targets/:id/media)
 * and what the BMC has read so far (GET /api/media/fetches?target=),
 * refreshed every second while a fetch is active.
 */
@customElement('rb-media-panel')
export class RbMediaPanel extends LitElement {
  static override styles = [
    controls,
    panel,
    css`
      .progress {
        color: #c9d1d9;
        font-size: 13px;
      }
      .progress.active {
        color: #d29922;
      }
      meter {
        width: 120px;
      }
    `,
  ];

  @property({ attribute: 'target-id' }) targetId = '';
  @property({ attribute: false }) access: Role = 'viewer';

  @state() private files: MediaFile[] | null = null;
  @state() private file = '';
  @state() private slotState: MediaSlot | null = null;
  /** Set when the target has no usable BMC (E_NO_BMC...): no slot to show. */
  @state() private noBmc = false;
  @state() private fetches: FetchSummary[] = [];
  @state() private busy: 'insert' | 'eject' | null = null;
  @state() private outcome = '';
  @state() private error = '';

  private timer: ReturnType<typeof setTimeout> | null = null;
  private fastUntil = 0;

  private get canOperate(): boolean {
    return atLeast(this.access, 'operator');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    super.disconnectedCallback();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('access') && changed.get('access') !== undefined && this.canOperate && !this.slotState) void this.loadSlot();
    this.dataset.active = String(this.active);
    this.dataset.inserted = this.slotState ? String(this.slotState.inserted) : '';
  }

  private get active(): boolean {
    return this.fetches.some((f) => f.active > 0);
  }

  private async load(): Promise<void> {
    try {
      this.files = await fetchMediaFiles();
      if (!this.file || !this.files.some((f) => f.name === this.file)) this.file = this.files[0]?.name ?? '';
    } catch (e) {
      this.files = [];
      this.error = errorText(e);
    }
    await (this.canOperate ? this.loadSlot() : this.poll());
  }

  /** Slot state from the BMC plus the fetch summary (operators: it opens a BMC session). */
  private async loadSlot(): Promise<void> {
    try {
      const r = await fetchTargetMedia(this.targetId);
      this.slotState = r.slot;
      this.fetches = r.fetches;
    } catch (e) {
      if (e instanceof ApiError && e.code.startsWith('E_NO_BMC')) this.noBmc = true;
      else this.error = errorText(e);
    }
    this.schedule();
  }

  private async poll(): Promise<void> {
    const wasActive = this.active;
    try {
      this.fetches = await fetchMediaFetches(this.targetId);
    } catch (e) {
      this.error = errorText(e);
    }
    // The BMC just finished reading: the slot may have changed (e.g. now connected).
    if (wasActive && !this.active && this.canOperate) return this.loadSlot();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.isConnected) return;
    const fast = this.active || Date.now() < this.fastUntil;
    this.timer = setTimeout(() => void this.poll(), fast ? ACTIVE_MS : IDLE_MS);
  }

  private async insert(): Promise<void> {
    if (!this.file) return;
    this.busy = 'insert';
    this.error = '';
    this.outcome = '';
    this.fastUntil = Date.now() + AFTER_INSERT_MS;
    try {
      const r = await mediaInsert(this.targetId, this.file);
      this.slotState = r.slot;
      this.outcome = `inserted ${this.file}`;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = null;
      void this.poll();
    }
  }

  private async eject(): Promise<void> {
    this.busy = 'eject';
    this.error = '';
    this.outcome = '';
    try {
      const r = await mediaEject(this.targetId);
      this.slotState = r.slot;
      this.outcome = 'ejected';
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = null;
    }
  }

  override render() {
    const slot = this.slotState;
    if (this.noBmc && !this.fetches.length) return nothing;
    const unsupported = slot !== null && !slot.supported;
    const current = this.fetches.slice().sort((a, b) => b.lastAt - a.lastAt);
    return html`
      <div class="row">
        <span class="label">media</span>
        <span class="badge ${slot?.inserted ? 'open' : ''}" data-testid="media-slot" title=${slot?.connectedVia ?? ''}>
          ${slot === null ? (this.canOperate ? '…' : 'slot: n/a') : unsupported ? 'no virtual media (IPMI)' : slot.inserted ? `inserted: ${shortName(slot.image)}` : 'empty'}
        </span>
        ${this.canOperate && slot !== null
          ? html`<select data-testid="media-file" ?disabled=${!this.files?.length} @change=${(e: Event) => (this.file = (e.target as HTMLSelectElement).value)}>
                ${this.files?.length
                  ? this.files.map((f) => html`<option value=${f.name} ?selected=${f.name === this.file}>${f.name} (${size(f.size)})</option>`)
                  : html`<option value="">${this.files ? 'no images in the media folder' : 'loading…'}</option>`}
              </select>
              <button class="primary" data-testid="media-insert" ?disabled=${!this.file || this.busy !== null || unsupported} @click=${() => void this.insert()}>
                ${this.busy === 'insert' ? 'Inserting…' : 'Insert'}
              </button>
              <button data-testid="media-eject" ?disabled=${this.busy !== null || unsupported || !slot?.inserted} @click=${() => void this.eject()}>
                ${this.busy === 'eject' ? 'Ejecting…' : 'Eject'}
              </button>`
          : nothing}
      </div>
      ${current.map(
        (f) => html`<div class="row progress ${f.active > 0 ? 'active' : ''}" data-testid="media-progress" data-file=${f.file}>
          <meter min="0" max=${f.fileSize} value=${f.bytesCovered}></meter>
          <span>${progressText(f)}</span>
        </div>`,
      )}
      ${this.outcome ? html`<div class="outcome" data-testid="media-outcome">${this.outcome}</div>` : nothing}
      ${this.error ? html`<div class="error" data-testid="media-error">${this.error}</div>` : nothing}
    `;
  }
}

/** The file name of an image URL (the tokenised path stays out of the page's text). */
function shortName(image: string | null): string {
  if (!image) return '?';
  const last = image.split(/[/?#]/).filter(Boolean).at(-1);
  return last ?? image;
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-media-panel': RbMediaPanel;
  }
}
