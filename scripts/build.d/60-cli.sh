#!/usr/bin/env bash
# Command-line bundle (esbuild) of server/cli.ts into var/build/cli/, so `rescuebox ipmi ...`
# starts on plain node instead of paying ~0.5 s and tens of MB for the tsx loader.
# bin/rescuebox.js runs it only while no source it was built from is newer (inputs.json);
# otherwise it falls back to tsx, so development never runs stale code.
# Idempotent: rebuilds from source every time, into a new directory swapped in at the end.
# Lazy subcommand modules become their own chunks; `start` (the server, with native modules)
# is not bundled: its chunk registers tsx and imports server/main.ts from source.
set -euo pipefail
cd "$(dirname "$0")/../.."
node --input-type=module - <<'EOF'
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const out = resolve('var/build/cli');
const tmp = `${out}.${process.pid}.tmp`;
const builtAtMs = Date.now(); // before reading any source: an edit during the build makes it stale
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
const serverMain = resolve('server/main.ts');
const startThroughTsx = {
  name: 'start-through-tsx',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.ts$/ }, (a) => (resolve(a.resolveDir, a.path) === serverMain ? { path: 'server-main', namespace: 'tsx-start' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'tsx-start' }, () => ({
      loader: 'js',
      resolveDir: tmp,
      contents: `import { register } from 'tsx/esm/api';\nregister();\nawait import(new URL(${JSON.stringify(relative(out, serverMain))}, import.meta.url).href);\n`,
    }));
  },
};
const r = await build({
  entryPoints: { cli: 'server/cli.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: tmp,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  external: ['tsx', 'tsx/*'],
  // Bundled CommonJS packages need require() in an ES module.
  banner: { js: "import { createRequire as __rbCreateRequire } from 'node:module'; const require = __rbCreateRequire(import.meta.url);" },
  plugins: [startThroughTsx],
  metafile: true,
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  tsconfig: 'tsconfig.json',
});
// Every repository file the bundle was built from; node_modules as a whole via npm's lock stamp.
const inputs = Object.keys(r.metafile.inputs).filter((p) => !p.includes(':') && !p.startsWith('node_modules/'));
inputs.push('node_modules/.package-lock.json', 'bin/rescuebox.js');
writeFileSync(`${tmp}/inputs.json`, `${JSON.stringify({ builtAtMs, inputs }, null, 1)}\n`);
const old = `${out}.${process.pid}.old`;
try {
  renameSync(out, old);
} catch {
  // first build
}
renameSync(tmp, out);
rmSync(old, { recursive: true, force: true });
const kb = Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0) / 1024;
console.log(`cli: built ${relative(process.cwd(), out)} (${Math.round(kb)} KiB, ${inputs.length} inputs)`);
EOF
