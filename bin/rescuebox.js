#!/usr/bin/env node
// JS entry of the `rescuebox` command (bin/rescuebox, a sh launcher, execs node on it). Runs the esbuild bundle of server/cli.ts that `npm run setup`
// builds (scripts/build.d/60-cli.sh) while no file it was built from is newer than the build;
// otherwise the TypeScript sources through tsx (slower start, never stale).
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const bundle = new URL('var/build/cli/', root);

function bundleIsFresh() {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(new URL('inputs.json', bundle), 'utf8'));
    return inputs.length > 0 && inputs.every((p) => statSync(new URL(p, root)).mtimeMs <= builtAtMs);
  } catch {
    return false; // no bundle, or a source was removed
  }
}

if (process.env.RESCUEBOX_NO_BUNDLE !== '1' && bundleIsFresh()) {
  await import(new URL('cli.mjs', bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli.ts');
}
