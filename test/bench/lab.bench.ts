import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabVm } from '../../lab/vm/lab-vm.ts';
import { freeTcpPort } from '../../lab/vm/ports.ts';
import { chooseAccel } from '../../lab/vm/accel-probe.ts';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import type { BenchRow } from './types.ts';
import { median } from './median.ts';

/** Lab machine power-on → shell prompt, and ACPI power-off, median of a few runs. */
const RUNS = 3;

async function once(dir: string, i: number): Promise<{ qmp: number; ready: number; prompt: number; off: number }> {
  const vm = new LabVm({ id: `bench-${i}` }, { stateDir: join(dir, String(i)), serialPort: await freeTcpPort() });
  const t = new TcpTransport({ host: '127.0.0.1', port: vm.serialPort, telnet: 'off', backoff: { initialMs: 5, maxMs: 20, jitter: 0 } });
  let text = '';
  const marks: Record<string, number> = {};
  const t0 = performance.now();
  const seen = new Promise<void>((resolve) =>
    t.on('data', (d) => {
      text += d.toString('latin1');
      if (marks.ready === undefined && text.includes('rescuebox-lab ready')) marks.ready = performance.now() - t0;
      if (marks.prompt === undefined && /# /.test(text)) {
        marks.prompt = performance.now() - t0;
        resolve();
      }
    }),
  );
  try {
    const opened = t.open();
    await vm.start();
    const qmp = performance.now() - t0;
    await opened;
    await seen;
    const t1 = performance.now();
    await vm.powerdown();
    await vm.waitForPowerOff();
    return { qmp, ready: marks.ready ?? NaN, prompt: marks.prompt ?? NaN, off: performance.now() - t1 };
  } finally {
    await t.close();
    await vm.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const verdict = await chooseAccel();
  const dir = mkdtempSync(join(tmpdir(), 'rb-bench-lab-'));
  const runs: Awaited<ReturnType<typeof once>>[] = [];
  try {
    for (let i = 0; i < RUNS; i++) runs.push(await once(dir, i));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (metric: string, key: keyof (typeof runs)[number]): BenchRow => ({
    area: 'lab',
    metric,
    value: Math.round(median(runs.map((r) => r[key]))),
    unit: 'ms',
    note: `median of ${RUNS}, accel ${verdict.accel}`,
  });
  return [
    { area: 'lab', metric: 'accelerator', value: verdict.accel, unit: '', note: verdict.reason },
    row('power-on to QMP ready', 'qmp'),
    row('power-on to ready marker', 'ready'),
    row('power-on to shell prompt', 'prompt'),
    row('ACPI power button to QEMU exit', 'off'),
  ];
}
