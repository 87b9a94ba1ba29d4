import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { login } from './api.ts';
import { controls } from './shared-styles.ts';

/** Login form: POST /api/login, then fires `rb-login` with the identity. */
@customElement('rb-login')
export class RbLogin extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        justify-content: center;
        padding-top: 12vh;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 10px;
        width: 280px;
        padding: 24px;
        background: #161b22;
        border: 1px solid #30363d;
        border-radius: 8px;
      }
      h1 {
        margin: 0 0 8px;
        font-size: 18px;
        font-weight: 600;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        color: #8b949e;
        font-size: 13px;
      }
      .error {
        color: #f85149;
        font-size: 13px;
      }
    `,
  ];

  @state() private error = '';
  @state() private busy = false;

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = '';
    try {
      const me = await login(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      this.dispatchEvent(new CustomEvent('rb-login', { detail: me, bubbles: true, composed: true }));
    } catch (err) {
      this.error = (err as Error).message || 'login failed';
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <form @submit=${(e: SubmitEvent) => void this.onSubmit(e)}>
        <h1>Log in to rescuebox</h1>
        <label>User <input name="username" autocomplete="username" required autofocus /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        <button class="primary" type="submit" ?disabled=${this.busy}>Log in</button>
        <div class="error" role="alert">${this.error}</div>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rb-login': RbLogin;
  }
}
