/**
 * npm run bench: runs every benchmark module, prints one table and writes
 * docs/bench.md with the machine and date. Speed targets live here, never in tests.
 *   npm run bench -- console ipmi   only modules whose name contains a word; their
 *                                   rows replace that module's rows in docs/bench.md
 * docs/bench.json keeps each module's rows with its own date and machine, so a
 * filtered run refreshes its part of the table without losing the rest.
 */
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
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

interface ModuleResult {
  at: string;
  machine: string;
  rows: BenchRow[];
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`;
const jsonPath = join(root, 'docs/bench.json');
const results: Record<string, ModuleResult> = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, ModuleResult>) : {};
const present = new Set(readdirSync(here).filter((f) => f.endsWith('.bench.ts')));
for (const f of Object.keys(results)) if (!present.has(f)) delete results[f];
for (const f of modules) {
  const rows: BenchRow[] = [];
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
  results[f] = { at: new Date().toISOString(), machine, rows };
}
writeFileSync(jsonPath, `${JSON.stringify(results, null, 1)}\n`);

const esc = (s: string) => s.replace(/\|/g, '\\|');
const sections = Object.keys(results)
  .sort()
  .flatMap((f) => {
    const r = results[f] as ModuleResult;
    return [
      `## ${f.replace('.bench.ts', '')}`,
      '',
      `Run ${r.at} on ${r.machine}.`,
      '',
      '| area | metric | value | unit | target | met | note |',
      '|---|---|---|---|---|---|---|',
      ...r.rows.map(
        (x) =>
          `| ${esc(x.area)} | ${esc(x.metric)} | ${x.value} | ${esc(x.unit)} | ${esc(x.target ?? '')} | ${x.ok === undefined ? '' : x.ok ? 'yes' : 'no'} | ${esc(x.note ?? '')} |`,
      ),
      '',
    ];
  });
const lines = ['# rescuebox benchmark', '', `Written by \`npm run bench\` (test/bench/run.ts); each section gives the date and machine of its own run.`, '', ...sections];
writeFileSync(join(root, 'docs/bench.md'), lines.join('\n'));
console.log(sections.join('\n'));
