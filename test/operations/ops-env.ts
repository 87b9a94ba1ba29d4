/**
 * The box with its operation routes against real lab BMCs, in-process: a
 * Redfish BMC and an IPMI BMC (each over a SimulatedMachine), a media server
 * with a small ISO, a store with admin / operator / viewer tokens.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.ts';
import { createControllerFactory } from '../../server/bmc/controller-factory.ts';
import { FetchLog } from '../../server/media/fetch-log.ts';
import { MediaConfigSchema } from '../../server/media/media-config.ts';
import { startMediaServer, type MediaServer } from '../../server/media/media-server.ts';
import { startRedfishBmc, type RedfishBmc } from '../../lab/bmc/redfish/redfish-bmc.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { bearerFor, captureLog, makeTestStore, startServer, testContext, type TestStore } from '../auth/helpers.ts';

export const RF_USER = 'rfadmin';
export const RF_PASSWORD = 'rf-secret-pw-4711';
export const IPMI_USER = 'ipmiadmin';
export const IPMI_PASSWORD = 'ipmi-secret-pw-17';
export const ISO_BYTES = 3 * 1024 * 1024 + 4096;

export interface OpsEnv {
  dir: string;
  store: TestStore;
  baseUrl: string;
  logText(): string;
  rfMachine: SimulatedMachine;
  ipmiMachine: SimulatedMachine;
  redfish: RedfishBmc;
  ipmi: VirtualBmc;
  media: MediaServer;
  fetchLog: FetchLog;
  auth: { admin: Record<string, string>; op: Record<string, string>; viewer: Record<string, string> };
  /** Restarts the Redfish BMC on the same port with a fresh certificate. */
  replaceRedfishCert(): Promise<void>;
  api(method: string, path: string, who: Record<string, string>, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startOpsEnv(): Promise<OpsEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'rb-ops-'));
  const mediaDir = join(dir, 'media');
  mkdirSync(mediaDir);
  writeFileSync(join(mediaDir, 'rescuebox-rescue.iso'), randomBytes(ISO_BYTES));
  const store = makeTestStore();
  const logs = captureLog();
  const rfMachine = new SimulatedMachine('rf-1');
  const ipmiMachine = new SimulatedMachine('ipmi-1');
  let redfish = await startRedfishBmc({ machine: rfMachine, users: { [RF_USER]: RF_PASSWORD }, stateDir: join(dir, 'rf-bmc-1') });
  const ipmi = new VirtualBmc({ machine: ipmiMachine, users: [{ name: IPMI_USER, password: IPMI_PASSWORD, privilege: 4 }] });
  const ipmiPort = (await ipmi.start()).ipmi;
  const fetchLog = new FetchLog();
  const media = await startMediaServer({ config: MediaConfigSchema.parse({ dir: mediaDir, listen: { host: '127.0.0.1', port: 0 } }), key: randomBytes(32), fetchLog, log: logs.log });

  store.targets.create({ id: 'rf-1', tags: [], settings: {}, bmc: { protocol: 'redfish', address: '127.0.0.1', port: redfish.port, user: RF_USER, password: RF_PASSWORD }, console: { transport: 'tcp', host: '127.0.0.1', port: 9 } });
  store.targets.create({ id: 'ipmi-1', tags: [], settings: {}, bmc: { protocol: 'ipmi', address: '127.0.0.1', port: ipmiPort, user: IPMI_USER, password: IPMI_PASSWORD }, console: { transport: 'ipmi-sol' } });

  // Our own IPMI socket pool, closed in close(): the process-wide one would keep the test process alive.
  const ipmiPool = new UdpPool({ sockets: 1, bindAddress: '127.0.0.1' });
  const controllers = createControllerFactory({ targets: store.targets, log: logs.log, pollMs: 25, powerTimeoutMs: 15_000, timeoutMs: 10_000, ipmiPool });
  const { app } = buildApp(testContext(store, { log: logs.log, operations: { controllers, media: { media, fetchLog } } }));
  const server = await startServer(app.fetch);
  const auth = { admin: await bearerFor(store, 'adm', 'admin'), op: await bearerFor(store, 'op', 'operator'), viewer: await bearerFor(store, 'watcher', 'viewer') };
  let certGen = 1;

  const env: OpsEnv = {
    dir,
    store,
    baseUrl: server.baseUrl,
    logText: logs.text,
    rfMachine,
    ipmiMachine,
    get redfish() {
      return redfish;
    },
    ipmi,
    media,
    fetchLog,
    auth,
    async replaceRedfishCert() {
      const port = redfish.port;
      await redfish.close();
      redfish = await startRedfishBmc({ machine: rfMachine, users: { [RF_USER]: RF_PASSWORD }, stateDir: join(dir, `rf-bmc-${++certGen}`), port });
    },
    async api(method, path, who, body) {
      const res = await fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { ...who, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      await server.close();
      await redfish.close();
      await ipmi.stop();
      await ipmiPool.close();
      await media.close();
      store.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}
