/**
 * The whole appliance in-process for tests: temp data dir, HTTP on 127.0.0.1
 * port 0, the first admin with a known password, one lab VM (QEMU, busybox
 * shell on ttyS0) registered as console target `lab-1` over TCP.
 *
 * Between the console transport and the VM's serial port sits a TCP relay the
 * test controls: `cutUpstream()` drops the connection and refuses new ones,
 * `restoreUpstream()` lets the transport reconnect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppliance as startProductAppliance } from '../../server/appliance.ts';
import { TargetCreateSchema, type TargetCreate } from '../../server/targets/target-schema.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { openAppStore, type AppStore } from '../../server/store/app-store.ts';
import type { ConsoleHub } from '../../server/console/console-hub.ts';
import type { ConsoleSession } from '../../server/console/console-session.ts';
import { LabManager } from '../../lab/lab-manager.ts';
import type { LabVm } from '../../lab/vm/lab-vm.ts';

export interface ApplianceOptions {
  adminPassword?: string;
  /** Start the lab VM (default true); false gives an appliance with no targets. */
  lab?: boolean;
  /** How long the VM may take to print its shell prompt (TCG on a loaded host: ~30 s). */
  bootTimeoutMs?: number;
  /** Extra targets registered at start (e.g. one whose BMC is a lab Redfish BMC). */
  targets?: TargetCreate[];
  /** Folder the media server serves (default the config's, rescue-image/dist). */
  mediaDir?: string;
}

/** Resolves once the console's output so far matches `re`; rejects after the deadline. */
function waitForOutput(session: ConsoleSession, re: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`lab-1: no ${re} on the console within ${timeoutMs} ms; last output: ${JSON.stringify(seen.slice(-200))}`));
    }, timeoutMs);
    const unsubscribe = session.subscribe(0, (_offset, chunk) => {
      seen = (seen + chunk.toString('latin1')).slice(-65536);
      if (!re.test(seen)) return;
      clearTimeout(timer);
      queueMicrotask(unsubscribe);
      resolve();
    });
  });
}

export interface Appliance {
  url: string;
  port: number;
  dataDir: string;
  adminPassword: string;
  hub: ConsoleHub;
  store: AppStore;
  vm: LabVm | null;
  /** Drops the hub's TCP connection to the VM and refuses reconnects until restoreUpstream(). */
  cutUpstream(): Promise<void>;
  restoreUpstream(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A TCP relay 127.0.0.1:<port> -> 127.0.0.1:<target>. Cutting it closes the
 * listener (new connects are refused, like a dead console server) and drops
 * the open connections; restoring listens again on the same port.
 */
class Relay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((res, rej) => {
      this.server.once('error', rej);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', rej);
        res();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((res) => this.server.close(() => res()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.cut();
  }
}

export async function startAppliance(opts: ApplianceOptions = {}): Promise<Appliance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rb-appliance-'));
  const adminPassword = opts.adminPassword ?? process.env.RESCUEBOX_ADMIN_PASSWORD ?? `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const config = loadConfig({
    raw: { listen: { host: '127.0.0.1', port: 0 }, dataDir, tls: { mode: 'off' }, lab: { enabled: false }, media: { ...(opts.mediaDir ? { dir: opts.mediaDir } : {}), listen: { host: '127.0.0.1', port: 0 } } },
    env: {},
  });
  const log = createLogger({ level: process.env.RB_TEST_LOG_LEVEL ?? 'silent' });
  const store = openAppStore({ dataDir, env: {}, passwordLogN: 10, testOnlyWeakPasswords: true });

  let vm: LabVm | null = null;
  let relay: Relay | null = null;
  const cleanup: (() => Promise<void>)[] = [];
  const bootTargets: TargetCreate[] = [];
  try {
    if (opts.lab !== false) {
      const lab = new LabManager({ stateDir: join(dataDir, 'lab') });
      cleanup.push(() => lab.dispose());
      vm = await lab.createMachine('lab-1');
      await vm.start();
      relay = new Relay(vm.serialPort);
      await relay.listen();
      const r = relay;
      cleanup.push(() => r.close());
      bootTargets.push(
        TargetCreateSchema.parse({ id: 'lab-1', name: 'lab-1', tags: ['lab'], console: { transport: 'tcp', host: '127.0.0.1', port: relay.port, telnet: 'off' } }),
      );
    }
    for (const t of opts.targets ?? []) bootTargets.push(TargetCreateSchema.parse(t));
    const appliance = await startProductAppliance({
      config,
      log,
      store,
      env: { RESCUEBOX_ADMIN_PASSWORD: adminPassword },
      print: () => undefined,
      bootTargets,
    });
    cleanup.push(() => appliance.close());
    const session = appliance.hub.get('lab-1');
    if (session) await waitForOutput(session, /rescuebox-lab ready[\s\S]*# /, opts.bootTimeoutMs ?? 150_000);
    return {
      url: appliance.url,
      port: appliance.port,
      dataDir,
      adminPassword,
      hub: appliance.hub,
      store,
      vm,
      cutUpstream: async () => relay?.cut(),
      restoreUpstream: async () => relay?.listen(),
      async stop() {
        for (const f of cleanup.reverse()) await f().catch(() => undefined);
        store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const f of cleanup.reverse()) await f().catch(() => undefined);
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
