import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Role } from '../server/wire.ts';
import { ApiError, atLeast, errorText, fetchPower, setBoot, setPower, type BootDevice, type PowerAction, type PowerState } from './api.ts';
import { controls, panel } from './shared-styles.ts';

const ACTIONS: { action: PowerAction; label: string; confirm?: string }[] = [
  { action: 'on', label: 'On' },
  { action: 'off', label: 'Off', confirm: 'cut power now (no shutdown)' },
  { action: 'cycle', label: 'Cycle', confirm: 'power off, then on again' },
  { action: 'reset', label: 'Reset', confirm: 'hard reset' },
  { action: 'soft', label: 'Soft off', confirm: 'ask the OS to shut down' },
];

const DEVICES: { device: BootDevice; label: string }[] = [
  { device: 'cd', label: 'CD/DVD (virtual media)' },
  { device: 'pxe', label: 'Network (PXE)' },
  { device: 'disk', label: 'Disk' },
  { device: 'bios', label: 'BIOS setup' },
];

/** How often the power state is read again while nothing happens (each read is one BMC session). */
const REFRESH_MS = 15_000;

/**
 * One target's power state (GET /api/targets/:id/power) with the power
 * buttons (destructive ones ask for a confirmation first) and the boot device
 * selector (POST /api/targets/:id/boot). Outcomes and the server's error
 * messages are shown as they come. Viewers see the state, without buttons.
 */
@customElement('rb-power-panel')
export class RbPowerPanel extends LitElement {
  static override styles = [
    controls,
    panel,
    css`
      .badge.on {
        color: #3fb950;
        border-color: #238636;
      }
      .badge.off {
        color: #8b949e;
      }
      .badge.unknown {
        color: #d29922;
        border-color: #9e6a03;
      }
      .confirm {
        color: #ff7b72;
      }
      label.check {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        color: #c9d1d9;
        font-size: 13px;
      }
    `,
  ];

  @property({ attribute: 'target-id' }) targetId = '';
  /** The user's role on this target (global role raised by tag grants). */
  @property({ attribute: false }) access: Role = 'viewer';

  @state() private power: PowerState | null = null;
  /** The server's reason when the target has no usable BMC (E_NO_BMC...): nothing to offer, no polling. */
  @state() private noBmc = '';
  @state() private protocol = '';
  @state() private busy: PowerAction | 'boot' | 'read' | null = null;
  @state() private confirming: PowerAction | null = null;
  @state() private outcome = '';
  @state() private error = '';
  @state() private device: BootDevice = 'cd';
  @state() private persistent = false;
  @state() private firmware: 'default' | 'efi' | 'legacy' = 'default';

  private timer: ReturnType<typeof setTimeout> | null = null;

  private get canOperate(): boolean {
    return atLeast(this.access, 'operator');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  override disconnectedCallback(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    super.disconnectedCallback();
  }

  override updated(): void {
    this.dataset.power = this.power ?? '';
    this.dataset.busy = this.busy ?? '';
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.isConnected ? setTimeout(() => void this.refresh(), REFRESH_MS) : null;
  }

  private async refresh(): Promise<void> {
    if (!this.targetId || this.busy) return this.schedule();
    this.busy = 'read';
    try {
      const r = await fetchPower(this.targetId);
      this.power = r.power;
      this.protocol = r.protocol;
    } catch (e) {
      this.power = 'unknown';
      if (e instanceof ApiError && e.code.startsWith('E_NO_BMC')) this.noBmc = e.message;
      else this.error = errorText(e);
    } finally {
      this.busy = null;
      if (!this.noBmc) this.schedule();
    }
  }

  private onAction(action: PowerAction): void {
    this.error = '';
    this.outcome = '';
    if (ACTIONS.find((a) => a.action === action)?.confirm) this.confirming = action;
    else void this.run(action);
  }

  private async run(action: PowerAction): Promise<void> {
    this.confirming = null;
    this.busy = action;
    this.error = '';
    this.outcome = '';
    const started = performance.now();
    try {
      const r = await setPower(this.targetId, action);
      this.power = r.power;
      this.protocol = r.protocol;
      this.outcome = `${label(action)}: the machine is ${r.power} (${((performance.now() - started) / 1000).toFixed(1)} s)`;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = null;
      this.schedule();
    }
  }

  private async setBoot(e: Event): Promise<void> {
    e.preventDefault();
    this.busy = 'boot';
    this.error = '';
    this.outcome = '';
    try {
      const opts = { ...(this.persistent ? { persistent: true } : {}), ...(this.firmware !== 'default' ? { efi: this.firmware === 'efi' } : {}) };
      const r = await setBoot(this.targetId, this.device, opts);
      const mode = r.efi === null ? '' : r.efi ? ', UEFI' : ', legacy';
      this.outcome = `${r.persistent ? 'every boot' : 'next boot'} from ${r.device}${mode} (the BMC says ${r.bmcValue})`;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = null;
    }
  }

  override render() {
    if (this.noBmc) return html`<div class="row"><span class="label">power</span><span class="label" data-testid="power-no-bmc">${this.noBmc}</span></div>`;
    const busy = this.busy !== null && this.busy !== 'read';
    const confirm = this.confirming ? ACTIONS.find((a) => a.action === this.confirming) : undefined;
    return html`
      <div class="row" data-testid=${this.canOperate ? 'power-buttons' : 'power-row'}>
        <span class="label">power</span>
        <span class="badge ${this.power ?? 'unknown'}" data-testid="power-state" title=${this.protocol}>${this.power ?? '…'}</span>
        ${this.canOperate
          ? ACTIONS.map(
              (a) => html`<button
                class=${a.action === 'on' ? 'primary' : 'danger'}
                data-testid="power-${a.action}"
                ?disabled=${busy || this.confirming !== null}
                @click=${() => this.onAction(a.action)}
              >
                ${this.busy === a.action ? `${a.label}…` : a.label}
              </button>`,
            )
          : nothing}
        <button data-testid="power-refresh" title="Read the power state again" ?disabled=${this.busy !== null} @click=${() => void this.refresh()}>↻</button>
        ${this.canOperate ? nothing : html`<span class="label" data-testid="power-readonly">operator role needed to change power and boot</span>`}
      </div>
      ${this.canOperate ? this.renderActions(busy, confirm) : nothing}
      ${this.error ? html`<div class="error" data-testid="power-error">${this.error}</div>` : nothing}
    `;
  }

  /** Confirmation, boot device form and outcome: for operators only. */
  private renderActions(busy: boolean, confirm: (typeof ACTIONS)[number] | undefined) {
    return html`
      ${confirm
        ? html`<div class="row" data-testid="power-confirm">
            <span class="confirm">${confirm.label} ${this.targetId}: ${confirm.confirm}?</span>
            <button class="danger" data-testid="power-confirm-yes" @click=${() => void this.run(confirm.action)}>Yes, ${confirm.label.toLowerCase()}</button>
            <button data-testid="power-confirm-no" @click=${() => (this.confirming = null)}>Cancel</button>
          </div>`
        : nothing}
      <form class="row" data-testid="boot-form" @submit=${(e: Event) => void this.setBoot(e)}>
        <span class="label">boot</span>
        <select data-testid="boot-device" .value=${this.device} @change=${(e: Event) => (this.device = (e.target as HTMLSelectElement).value as BootDevice)}>
          ${DEVICES.map((d) => html`<option value=${d.device} ?selected=${d.device === this.device}>${d.label}</option>`)}
        </select>
        <label class="check"
          ><input type="checkbox" data-testid="boot-persistent" .checked=${this.persistent} @change=${(e: Event) => (this.persistent = (e.target as HTMLInputElement).checked)} />every
          boot</label
        >
        <select data-testid="boot-firmware" title="Boot mode" @change=${(e: Event) => (this.firmware = (e.target as HTMLSelectElement).value as 'default' | 'efi' | 'legacy')}>
          <option value="default" ?selected=${this.firmware === 'default'}>mode: BMC default</option>
          <option value="efi" ?selected=${this.firmware === 'efi'}>UEFI</option>
          <option value="legacy" ?selected=${this.firmware === 'legacy'}>legacy BIOS</option>
        </select>
        <button type="submit" data-testid="boot-set" ?disabled=${busy}>${this.busy === 'boot' ? 'Setting…' : this.persistent ? 'Set boot device' : 'Boot once'}</button>
      </form>
      ${this.outcome ? html`<div class="outcome" data-testid="power-outcome">${this.outcome}</div>` : nothing}
    `;
  }
}

function label(a: PowerAction): string {
  return ACTIONS.find((x) => x.action === a)?.label ?? a;
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-power-panel': RbPowerPanel;
  }
}
