import { css } from 'lit';

/** Buttons, inputs and badges shared by the rb- elements (adopted into each shadow root). */
export const controls = css`
  button {
    background: #21262d;
    color: #e6edf3;
    border: 1px solid #30363d;
    border-radius: 6px;
    padding: 4px 10px;
    font: inherit;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: #30363d;
  }
  button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  button.primary {
    background: #238636;
    border-color: #2ea043;
  }
  button.danger {
    border-color: #da3633;
    color: #ff7b72;
  }
  input {
    background: #0d1117;
    color: #e6edf3;
    border: 1px solid #30363d;
    border-radius: 6px;
    padding: 6px 8px;
    font: inherit;
  }
  .badge {
    display: inline-block;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: 12px;
    border: 1px solid #30363d;
    white-space: nowrap;
  }
  .badge.open {
    color: #3fb950;
    border-color: #238636;
  }
  .badge.connecting,
  .badge.reconnecting {
    color: #d29922;
    border-color: #9e6a03;
  }
  .badge.closed,
  .badge.unauthorized,
  .badge.idle,
  .badge.unknown {
    color: #f85149;
    border-color: #da3633;
  }
  .badge.ro {
    color: #a5d6ff;
    border-color: #1f6feb;
  }
`;

/** Layout of the operator panels beside a console (power, media): a column of wrapping rows with small labels. */
export const panel = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .row {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 8px;
  }
  .label {
    color: #8b949e;
    font-size: 12px;
  }
  .outcome {
    color: #3fb950;
    font-size: 13px;
  }
  .error {
    color: #f85149;
    font-size: 13px;
  }
  select {
    background: #0d1117;
    color: #e6edf3;
    border: 1px solid #30363d;
    border-radius: 6px;
    padding: 4px 6px;
    font: inherit;
  }
`;
