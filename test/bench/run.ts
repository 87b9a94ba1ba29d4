/**
 * npm run bench: runs every benchmark module, prints one table and writes
 * docs/bench.md with the machine and date. Speed targets live here, never in tests.
 *   npm run bench -- console ipmi   only modules whose name contains a word
 */
import { writeFileSync, readdirSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { BenchModule, BenchRow } from './types.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const filters = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));

const rows: BenchRow[] = [];
for (const f of modules) {
  console.log(`# bench ${f}`);
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as BenchModule;
    const got = await mod.run();
    rows.push(...got);
    for (const r of got) console.log(`  ${r.metric}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target}${r.ok === false ? ', MISSED' : ''})` : ''}`);
  } catch (e) {
    rows.push({ area: f.replace('.bench.ts', ''), metric: 'run', value: 'failed', unit: '', note: (e as Error).message.split('\n')[0] });
    console.error(`  failed: ${(e as Error).stack}`);
  }
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

const esc = (s: string) => s.replace(/\|/g, '\\|');
const lines = [
  '# rescuebox benchmark',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}.`,
  '',
  '| area | metric | value | unit | target | met | note |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${esc(r.area)} | ${esc(r.metric)} | ${r.value} | ${esc(r.unit)} | ${esc(r.target ?? '')} | ${r.ok === undefined ? '' : r.ok ? 'yes' : 'no'} | ${esc(r.note ?? '')} |`,
  ),
  '',
];
if (filters.length === 0) writeFileSync(join(root, 'docs/bench.md'), lines.join('\n'));
console.log(lines.slice(5).join('\n'));
