/**
 * Builds the UI: bundles ui/main.ts into ui/dist/app.js with esbuild and
 * copies ui/index.html. CSS imports become strings (loader `text`) that the
 * elements adopt into their shadow roots. `npm run build`, or import buildUi().
 * Files are written to a temporary name and renamed, so a server (or a
 * parallel test) never serves half a bundle.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const uiDir = dirname(fileURLToPath(import.meta.url));

export interface BuildUiOptions {
  outDir?: string;
  minify?: boolean;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export async function buildUi(opts: BuildUiOptions = {}): Promise<{ outDir: string; bytes: number }> {
  const outDir = resolve(opts.outDir ?? join(uiDir, 'dist'));
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(uiDir, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: opts.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'none',
    loader: { '.css': 'text' },
    outfile: join(outDir, 'app.js'),
    write: false,
    logLevel: 'warning',
    tsconfig: join(uiDir, '..', 'tsconfig.json'),
  });
  let bytes = 0;
  for (const f of result.outputFiles) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeAtomic(f.path, f.contents);
    bytes += f.contents.length;
  }
  writeAtomic(join(outDir, 'index.html'), readFileSync(join(uiDir, 'index.html')));
  return { outDir, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, bytes } = await buildUi();
  console.log(`ui: built ${outDir} (${Math.round(bytes / 1024)} KiB)`);
}
