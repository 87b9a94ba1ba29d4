import { serve } from '@hono/node-server';
import { buildApp } from './app.ts';
import { loadConfig, ConfigError } from './config.ts';
import { createLogger } from './log.ts';

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
  const { app, injectWebSocket } = buildApp({
    config,
    log,
    version: '0.1.0',
    startedAt: Date.now(),
    listTargets: () => [],
  });
  const server = serve({ fetch: app.fetch, hostname: config.listen.host, port: config.listen.port }, (info) => {
    console.log(`rescuebox listening on http://${config.listen.host}:${info.port}/`);
  });
  injectWebSocket(server);
}

await main();
