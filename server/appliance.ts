import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { openAppStore, type AppStore } from './store/app-store.ts';
import { ensureFirstAdmin } from './auth/bootstrap-admin.ts';
import { ensureCertificate } from './tls/ensure-certificate.ts';
import { ConsoleHub } from './console/console-hub.ts';
import { ConsoleSync, type TransportFactory } from './targets/console-sync.ts';
import type { TargetCreate } from './targets/target-schema.ts';
import type { MediaServer } from './media/media-server.ts';
import type { FetchLog } from './media/fetch-log.ts';
import { setupMedia } from './media/setup.ts';

/**
 * The composition root: store, first admin, TLS, console hub following the
 * stored targets, media server, HTTP app. main.ts and the tests both start
 * the appliance through here, so what is tested is what runs.
 */
export interface ApplianceOptions {
  config: Config;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** A store opened by the caller (tests use cheap password hashing); default: opened in config.dataDir. */
  store?: AppStore;
  print?: (line: string) => void;
  /** Targets (re)registered at start, e.g. npm start's lab machines. Replaced in the store each start. */
  bootTargets?: TargetCreate[];
  transportFactory?: TransportFactory;
}

export interface Appliance {
  url: string;
  port: number;
  config: Config;
  store: AppStore;
  hub: ConsoleHub;
  media: MediaServer;
  fetchLog: FetchLog;
  tlsFingerprint256: string | undefined;
  close(): Promise<void>;
}

/** Creates or replaces each target by id (a lab's ports and passwords change on every start). */
function registerBootTargets(store: AppStore, targets: TargetCreate[]): void {
  for (const t of targets) {
    const { id, ...rest } = t;
    if (store.targets.get(id)) store.targets.update(id, rest);
    else store.targets.create(t);
  }
}

export async function startAppliance(o: ApplianceOptions): Promise<Appliance> {
  const { config, log } = o;
  const env = o.env ?? process.env;
  const store = o.store ?? openAppStore({ dataDir: config.dataDir, env });
  const closers: (() => Promise<void> | void)[] = [];
  try {
    await ensureFirstAdmin(store.users, store.audit, { env, ...(o.print ? { print: o.print } : {}) });
    const tls =
      config.tls.mode === 'auto'
        ? ensureCertificate({ dataDir: config.dataDir, cert: config.tls.cert, key: config.tls.key, hostnames: [config.listen.host] })
        : undefined;

    const hub = new ConsoleHub({ console: config.console, dataDir: config.dataDir, log });
    closers.push(() => hub.close());
    registerBootTargets(store, o.bootTargets ?? []);
    const sync = new ConsoleSync(hub, store.targets, log, o.transportFactory);
    await sync.start();
    closers.push(() => sync.stop());

    const { media, fetchLog } = await setupMedia({ config, log, audit: store.audit });
    closers.push(() => media.close());

    const { app, injectWebSocket } = buildApp(
      { config, log, version: '0.1.0', startedAt: Date.now(), listTargets: () => hub.list(), store, operations: { media: { media, fetchLog } } },
      hub,
    );
    const tlsOptions = tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } } : {};
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: config.listen.host, port: config.listen.port, ...tlsOptions }, () => resolve(s));
    });
    injectWebSocket(server);
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
    return {
      url: `${tls ? 'https' : 'http'}://${host}:${port}/`,
      port,
      config,
      store,
      hub,
      media,
      fetchLog,
      tlsFingerprint256: tls?.fingerprint256,
      async close() {
        for (const c of closers.reverse()) await c();
        if (!o.store) store.close();
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
    if (!o.store) store.close();
    throw e;
  }
}
