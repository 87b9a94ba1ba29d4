import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// bin/rescuebox.js picks the CLI bundle (var/build/cli, scripts/build.d/60-cli.sh) only while no
// input it lists is newer than the build; otherwise the sources through tsx. Exercised on a copy
// of the bin in a scratch tree under var/ (so node_modules, and tsx, still resolve).
const root = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(root, 'var'), { recursive: true });
const tree = mkdtempSync(join(root, 'var', 'bin-test-'));
after(() => rmSync(tree, { recursive: true, force: true }));

mkdirSync(join(tree, 'bin'));
mkdirSync(join(tree, 'server'));
mkdirSync(join(tree, 'var/build/cli'), { recursive: true });
copyFileSync(join(root, 'bin/rescuebox.js'), join(tree, 'bin/rescuebox.js'));
writeFileSync(join(tree, 'server/cli.ts'), "const how: string = 'tsx';\nconsole.log(how);\n");
writeFileSync(join(tree, 'var/build/cli/cli.mjs'), "console.log('bundle');\n");
const builtAtMs = Date.now();
writeFileSync(join(tree, 'var/build/cli/inputs.json'), JSON.stringify({ builtAtMs, inputs: ['server/cli.ts', 'bin/rescuebox.js'] }));
const past = new Date(builtAtMs - 60_000);
for (const f of ['server/cli.ts', 'bin/rescuebox.js']) utimesSync(join(tree, f), past, past);

const run = async (env: Record<string, string> = {}): Promise<string> =>
  (await promisify(execFile)(process.execPath, [join(tree, 'bin/rescuebox.js')], { env: { ...process.env, ...env } })).stdout.trim();

test('bin: the bundle while it is not older than its inputs; tsx when one is newer, missing, or RESCUEBOX_NO_BUNDLE=1', async () => {
  assert.equal(await run(), 'bundle');
  assert.equal(await run({ RESCUEBOX_NO_BUNDLE: '1' }), 'tsx');
  const later = new Date(builtAtMs + 60_000);
  utimesSync(join(tree, 'server/cli.ts'), later, later);
  assert.equal(await run(), 'tsx', 'an edited source is never shadowed by a stale bundle');
  utimesSync(join(tree, 'server/cli.ts'), past, past);
  writeFileSync(join(tree, 'var/build/cli/inputs.json'), JSON.stringify({ builtAtMs, inputs: ['server/cli.ts', 'server/gone.ts'] }));
  assert.equal(await run(), 'tsx', 'an input that disappeared makes the bundle stale');
});
