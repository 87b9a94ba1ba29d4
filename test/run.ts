/**
 * The one test entry point: type check, lint, then node:test over every
 * `*.test.ts` below test/ (Node 20 takes no globs, so we list the files).
 *   npm test                       everything
 *   npm test -- ipmi console       only files whose path contains one of the words (no type check / lint)
 *   RB_TEST_SKIP_STATIC=1 npm test skip type check and lint
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function listTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'bench' || name === 'fixtures') continue;
      out.push(...listTests(p));
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function step(label: string, cmd: string, args: string[]): void {
  console.log(`# ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`# ${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

if (filters.length === 0 && !process.env.RB_TEST_SKIP_STATIC) {
  step('type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  step('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
}

const files = listTests(join(root, 'test')).filter(
  (f) => filters.length === 0 || filters.some((w) => relative(root, f).includes(w)),
);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.RB_TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
