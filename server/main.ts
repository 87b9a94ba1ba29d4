import { join } from 'node:path';
import { loadConfig, ConfigError, type Config } from './config.ts';
import { createLogger } from './log.ts';
import { startAppliance } from './appliance.ts';
import type { TargetCreate } from './targets/target-schema.ts';

/** `npm start`: load config, start the lab if asked (the default), serve, print the URL. */
async function main(): Promise<void> {
  const log = createLogger();
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`rescuebox: configuration refused:\n${e.message}`);
      process.exit(2);
    }
    throw e;
  }

  let bootTargets: TargetCreate[] = [];
  let closeLab = async (): Promise<void> => undefined;
  if (config.lab.enabled && config.lab.machines > 0) {
    // The only place the product reaches into lab/: npm start's demo machines.
    const { startLab } = await import('../lab/start-lab.ts');
    console.log(`rescuebox: starting ${config.lab.machines} lab machine(s) (QEMU)…`);
    const lab = await startLab({ stateDir: join(config.dataDir, 'lab'), machines: config.lab.machines });
    bootTargets = lab.targets;
    closeLab = lab.close;
  }

  // Targets from the configuration file are (re)registered at every start, like the lab's.
  bootTargets = [...config.targets, ...bootTargets];
  const appliance = await startAppliance({ config, log, bootTargets }).catch(async (e: unknown) => {
    await closeLab();
    throw e;
  });
  if (appliance.tlsFingerprint256) console.log(`rescuebox: TLS certificate SHA-256 ${appliance.tlsFingerprint256}`);
  console.log(`rescuebox: media server for BMCs at ${appliance.media.baseUrl}`);
  console.log(`rescuebox listening on ${appliance.url}`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await appliance.close().catch((e: unknown) => log.error({ err: (e as Error).message }, 'close failed'));
    await closeLab();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
