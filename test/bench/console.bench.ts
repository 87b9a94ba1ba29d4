/**
 * Console hub benchmark: echo latency added by the server, sustained output
 * to 1 and 10 WebSocket viewers with nothing lost, RSS of idle consoles.
 * Everything on loopback; viewers run in this process (their cost counts).
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import { ConsoleHub } from '../../server/console/console-hub.ts';

import { TcpPeer } from '../console/helpers/tcp-peer.ts';
import { TestViewer, serveConsoles } from '../console/helpers/ws-harness.ts';
import type { BenchRow } from './types.ts';

const AREA = 'console';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const round = (x: number, d = 3) => Number(x.toFixed(d));

function newHub(): ConsoleHub {
  return new ConsoleHub({
    console: { ringBytes: 4 * 1024 * 1024, transcriptMaxBytes: 64 * 1024 * 1024, transcriptKeep: 8, viewerHighWaterBytes: 8 * 1024 * 1024 },
    dataDir: null,
  });
}

async function directTcpRtt(port: number, samples: number): Promise<number[]> {
  const s = connect({ host: '127.0.0.1', port, noDelay: true });
  await once(s, 'connect');
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const got = once(s, 'data');
    s.write('x');
    await got;
    out.push(performance.now() - t0);
  }
  s.destroy();
  return out;
}

async function wsEchoRtt(base: string, samples: number): Promise<number[]> {
  const v = await TestViewer.connect(base, 'echo', { user: 'bench', role: 'operator' });
  v.send({ t: 'lock', action: 'request' });
  await v.waitFor(() => v.controlsOf('lock').at(-1)?.holder?.user === 'bench', 'lock');
  await v.waitFor(() => v.frames.length > 0, 'snapshot');
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const before = v.outputBytes;
    const t0 = performance.now();
    const echoed = v.waitFor(() => v.outputBytes > before, 'echo');
    v.type('x');
    await echoed;
    out.push(performance.now() - t0);
  }
  await v.close();
  return out;
}

async function latency(): Promise<BenchRow[]> {
  const peer = new TcpPeer({ echo: true });
  const port = await peer.listen();
  const hub = newHub();
  const connected = once(peer, 'connection');
  hub.add({ id: 'echo', kind: 'tcp', transport: new TcpTransport({ host: '127.0.0.1', port, telnet: 'off', backoff: { initialMs: 20, maxMs: 200 } }) });
  await connected;
  const srv = await serveConsoles(hub);
  try {
    await directTcpRtt(port, 300);
    await wsEchoRtt(srv.base, 300);
    const n = 3000;
    const tcp = (await directTcpRtt(port, n)).sort((a, b) => a - b);
    const ws = (await wsEchoRtt(srv.base, n)).sort((a, b) => a - b);
    const added50 = percentile(ws, 50) - percentile(tcp, 50);
    const added99 = percentile(ws, 99) - percentile(tcp, 99);
    return [
      { area: AREA, metric: 'direct TCP echo RTT p50 / p99', value: `${round(percentile(tcp, 50))} / ${round(percentile(tcp, 99))}`, unit: 'ms', note: `${n} samples` },
      { area: AREA, metric: 'ws→hub→TCP echo→ws RTT p50 / p99', value: `${round(percentile(ws, 50))} / ${round(percentile(ws, 99))}`, unit: 'ms', note: `${n} samples, client in-process` },
      { area: AREA, metric: 'echo latency added p50', value: round(added50), unit: 'ms', target: '<= 1 ms', ok: added50 <= 1 },
      { area: AREA, metric: 'echo latency added p99', value: round(added99), unit: 'ms', note: `load avg ${round(loadavg()[0] ?? 0, 1)} on ${availableParallelism()} CPUs` },
    ];
  } finally {
    await srv.close();
    await hub.close();
    await peer.close();
  }
}

/** Peer pushes `totalBytes` with at most `window` bytes not yet received by every viewer. */
async function throughput(viewerCount: number, totalBytes: number): Promise<{ mbps: number; lost: number; snapshots: number; cpuS: number }> {
  const cpu0 = process.cpuUsage();
  const peer = new TcpPeer({ echo: false });
  const port = await peer.listen();
  const hub = newHub();
  const connected = once(peer, 'connection');
  hub.add({ id: 'flood', kind: 'tcp', transport: new TcpTransport({ host: '127.0.0.1', port, telnet: 'off', backoff: { initialMs: 20, maxMs: 200 } }) });
  await connected;
  const srv = await serveConsoles(hub);
  const viewers: TestViewer[] = [];
  try {
    for (let i = 0; i < viewerCount; i++) viewers.push(await TestViewer.connect(srv.base, 'flood', { from: 0 }));
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = 0x20 + (i % 95);
    for (let i = 79; i < chunk.length; i += 80) chunk[i] = 0x0a;
    const window = 4 * 1024 * 1024;
    const slowest = () => Math.min(...viewers.map((v) => v.outputBytes));
    const t0 = performance.now();
    let sent = 0;
    while (sent < totalBytes) {
      const sock = peer.socket;
      if (!sock) throw new Error('peer lost its connection');
      if (!sock.write(chunk)) await once(sock, 'drain');
      sent += chunk.length;
      if (sent - slowest() > window) {
        const target = sent - window / 2;
        await Promise.race(viewers.map((v) => v.waitFor(() => slowest() >= target, 'window', 60_000)));
      }
    }
    await Promise.all(viewers.map((v) => v.waitFor(() => v.outputBytes >= sent || v.frames.some((f) => f.kind === 'snapshot'), 'all bytes', 120_000)));
    const secs = (performance.now() - t0) / 1000;
    let lost = 0;
    let snapshots = 0;
    for (const v of viewers) {
      const s = v.stream();
      snapshots += s.snapshots;
      lost += sent - (s.snapshots === 0 && s.start === 0 ? s.bytes.length : 0);
    }
    const cpu = process.cpuUsage(cpu0);
    return { mbps: sent / 1e6 / secs, lost, snapshots, cpuS: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await Promise.all(viewers.map((v) => v.close()));
    await srv.close();
    await hub.close();
    await peer.close();
  }
}

function idleRss(n: number): { rss: number; heap: number } {
  const child = fileURLToPath(new URL('../console/helpers/idle-consoles-child.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', child, String(n)], { encoding: 'utf8', timeout: 180_000 });
  const line = out.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(line) as { rss: number; heap: number };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push(...(await latency()));
  for (const [viewers, mb] of [
    [1, 256],
    [10, 128],
  ] as const) {
    const r = await throughput(viewers, mb * 1024 * 1024);
    rows.push({
      area: AREA,
      metric: `sustained output to ${viewers} viewer${viewers > 1 ? 's' : ''}`,
      value: round(r.mbps, 1),
      unit: 'MB/s',
      ...(viewers === 1 ? { target: '>= 20 MB/s', ok: r.mbps >= 20 && r.lost === 0 } : {}),
      note: `${mb} MiB per viewer, ${r.lost} bytes lost, ${r.snapshots} resyncs; ${round(r.cpuS, 1)} CPU-s in this process incl. the viewers and the peer (load avg ${round(loadavg()[0] ?? 0, 1)})`,
    });
  }
  for (const n of [100, 1000]) {
    const m = idleRss(n);
    rows.push({
      area: AREA,
      metric: `RSS with ${n} idle consoles`,
      value: round(m.rss / 2 ** 20, 1),
      unit: 'MiB',
      ...(n === 1000 ? { target: '<= 512 MB', ok: m.rss <= 512 * 1e6 } : {}),
      note: `child process, heap ${round(m.heap / 2 ** 20, 1)} MiB, each console printed a login banner`,
    });
  }
  return rows;
}
