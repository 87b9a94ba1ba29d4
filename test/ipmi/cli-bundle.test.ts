import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

// bin/rescuebox, the installed command: a sh launcher that drops NODE_EXTRA_CA_CERTS for `ipmi`
// only (Node reads that file before any JS runs) and execs node on the rescuebox.js next to it,
// also when started through a symlink as npm installs it. A stand-in rescuebox.js reports what it got.
test('launcher: ipmi runs without NODE_EXTRA_CA_CERTS, every other subcommand with it; argv intact, symlinks followed', async () => {
  const t = mkdtempSync(join(root, 'var', 'launcher-test-'));
  try {
    mkdirSync(join(t, 'pkg/bin'), { recursive: true });
    mkdirSync(join(t, 'node_modules/.bin'), { recursive: true });
    copyFileSync(join(root, 'bin/rescuebox'), join(t, 'pkg/bin/rescuebox'));
    chmodSync(join(t, 'pkg/bin/rescuebox'), 0o755);
    writeFileSync(join(t, 'pkg/bin/rescuebox.js'), 'console.log(JSON.stringify({ ca: process.env.NODE_EXTRA_CA_CERTS ?? null, argv: process.argv.slice(2) }));\n');
    symlinkSync('../../pkg/bin/rescuebox', join(t, 'node_modules/.bin/rescuebox'));
    const run = async (bin: string, args: string[]): Promise<{ ca: string | null; argv: string[] }> =>
      JSON.parse((await promisify(execFile)(bin, args, { cwd: t, env: { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' } })).stdout) as { ca: string | null; argv: string[] };
    const args = ['ipmi', '--hosts', 'a:1,b:2', '-U', 'x y', 'power', 'status'];
    assert.deepEqual(await run(join(t, 'pkg/bin/rescuebox'), args), { ca: null, argv: args });
    assert.deepEqual(await run(join(t, 'node_modules/.bin/rescuebox'), args), { ca: null, argv: args });
    assert.deepEqual(await run(join(t, 'pkg/bin/rescuebox'), ['redfish', 'power', 'status']), { ca: '/etc/ssl/certs/ca-certificates.crt', argv: ['redfish', 'power', 'status'] });
    assert.deepEqual(await run(join(t, 'pkg/bin/rescuebox'), ['start']), { ca: '/etc/ssl/certs/ca-certificates.crt', argv: ['start'] });
  } finally {
    rmSync(t, { recursive: true, force: true });
  }
});
