import { serve } from '@hono/node-server';
import { createServer as createHttpsServer } from 'node:https';
import { buildApp } from './app.ts';
import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './log.ts';
import { openAppStore } from './store/app-store.ts';
import { ensureFirstAdmin } from './auth/bootstrap-admin.ts';
import { ensureCertificate } from './tls/ensure-certificate.ts';

/** `npm start`: load config, bring up the pieces, serve, print the URL. */
async function main(): Promise<void> {
  const log = createLogger();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`rescuebox: configuration refused:\n${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const store = openAppStore({ dataDir: config.dataDir });
  await ensureFirstAdmin(store.users, store.audit);
  const tls = config.tls.mode === 'auto' ? ensureCertificate({ dataDir: config.dataDir, cert: config.tls.cert, key: config.tls.key, hostnames: [config.listen.host] }) : undefined;
  if (tls) console.log(`rescuebox: TLS certificate ${tls.certPath}${tls.generated ? ' (generated now)' : ''}, SHA-256 ${tls.fingerprint256}`);
  const { app, injectWebSocket } = buildApp({
    config,
    log,
    version: '0.1.0',
    startedAt: Date.now(),
    listTargets: () => [],
    store,
  });
  const tlsOptions = tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } } : {};
  const server = serve({ fetch: app.fetch, hostname: config.listen.host, port: config.listen.port, ...tlsOptions }, (info) => {
    console.log(`rescuebox listening on ${tls ? 'https' : 'http'}://${config.listen.host}:${info.port}/`);
  });
  injectWebSocket(server);
}

await main();
