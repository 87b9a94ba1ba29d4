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
import type { Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { openAppStore, type AppStore } from '../../server/store/app-store.ts';
import { ensureFirstAdmin } from '../../server/auth/bootstrap-admin.ts';
import { ConsoleHub } from '../../server/console/console-hub.ts';
import { LabVm } from '../../lab/vm/lab-vm.ts';
import { freeTcpPort } from '../../lab/vm/ports.ts';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';

export interface ApplianceOptions {
  adminPassword?: string;
  /** Start the lab VM (default true); false gives an appliance with no targets. */
  lab?: boolean;
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
  cutUpstream(): void;
  restoreUpstream(): void;
  stop(): Promise<void>;
}

/** A TCP relay 127.0.0.1:<port> -> 127.0.0.1:<target> that can be cut and restored. */
class Relay {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private cut = false;
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      if (this.cut) return void client.destroy();
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
      this.server.listen(0, '127.0.0.1', () => res());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  setCut(cut: boolean): void {
    this.cut = cut;
    if (cut) for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    this.setCut(true);
    return new Promise((res) => this.server.close(() => res()));
  }
}

export async function startAppliance(opts: ApplianceOptions = {}): Promise<Appliance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rb-appliance-'));
  const adminPassword = opts.adminPassword ?? `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const env: NodeJS.ProcessEnv = {};
  const config = loadConfig({ raw: { listen: { host: '127.0.0.1', port: 0 }, dataDir, tls: { mode: 'off' }, lab: { enabled: false } }, env });
  const log = createLogger({ level: process.env.RB_TEST_LOG_LEVEL ?? 'silent' });
  const store = openAppStore({ dataDir, env, passwordLogN: 10, testOnlyWeakPasswords: true });
  await ensureFirstAdmin(store.users, store.audit, { env: { RESCUEBOX_ADMIN_PASSWORD: adminPassword }, print: () => undefined });
  const hub = new ConsoleHub({ console: config.console, dataDir, log });

  let vm: LabVm | null = null;
  let relay: Relay | null = null;
  const cleanup: (() => Promise<void>)[] = [];
  try {
    if (opts.lab !== false) {
      vm = new LabVm({ id: 'lab-1' }, { stateDir: join(dataDir, 'lab', 'lab-1'), serialPort: await freeTcpPort() });
      await vm.start();
      const v = vm;
      cleanup.push(() => v.stop());
      relay = new Relay(vm.serialPort);
      await relay.listen();
      const r = relay;
      cleanup.push(() => r.close());
      hub.add({ id: 'lab-1', name: 'lab-1', tags: ['lab'], kind: 'tcp', transport: new TcpTransport({ host: '127.0.0.1', port: relay.port }) });
    }
    const { app, injectWebSocket } = buildApp({ config, log, version: 'test', startedAt: Date.now(), listTargets: () => hub.list(), store }, hub);
    const server: ServerType = await new Promise((res) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => res(s));
    });
    injectWebSocket(server);
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}/`,
      port,
      dataDir,
      adminPassword,
      hub,
      store,
      vm,
      cutUpstream: () => relay?.setCut(true),
      restoreUpstream: () => relay?.setCut(false),
      async stop() {
        await hub.close();
        (server as HttpServer).closeAllConnections();
        await new Promise<void>((res) => server.close(() => res()));
        for (const f of cleanup.reverse()) await f().catch(() => undefined);
        store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await hub.close().catch(() => undefined);
    for (const f of cleanup.reverse()) await f().catch(() => undefined);
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
