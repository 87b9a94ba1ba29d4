/** UI entry point, bundled by ui/build.ts into ui/dist/app.js. */
import { css } from 'lit';
import './rb-app.ts';

// Page background through a constructable stylesheet: no inline <style>, so a strict CSP needs no 'unsafe-inline'.
const page = css`
  html,
  body {
    margin: 0;
    height: 100%;
    background: #0d1117;
  }
`.styleSheet;
if (page) document.adoptedStyleSheets = [...document.adoptedStyleSheets, page];
