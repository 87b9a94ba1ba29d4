/**
 * A fleet of BMC-only virtual BMCs as its own process, so a benchmark's
 * client and BMCs do not share an event loop:
 *   node --import tsx lab/bmc/fleet-main.ts --count 1000 [--host 127.0.0.1 | --spread]
 * --spread puts every BMC on its own 127.77.y.z address (for ipmipower, whose
 * output names hosts without ports).
 * The password comes from RESCUEBOX_FLEET_PASSWORD (default: the fleet's
 * built-in one), never from argv. Prints one JSON line
 * {"ready":true,"user":...,"addresses":[...],"rssMb":...} on stdout once
 * every BMC listens, then runs until SIGTERM/SIGINT (its parent kills it by PID).
 */
import { FLEET_DEFAULT_USER, spreadLoopback, startFleet } from './fleet.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? (process.argv[i + 1] as string) : fallback;
}

const count = Number(arg('count', '100'));
const host = arg('host', '127.0.0.1');
if (!Number.isInteger(count) || count < 1) {
  console.error('fleet-main: --count must be a positive integer');
  process.exit(2);
}
const user = { ...FLEET_DEFAULT_USER, password: process.env.RESCUEBOX_FLEET_PASSWORD ?? FLEET_DEFAULT_USER.password };
const fleet = await startFleet(count, process.argv.includes('--spread') ? { hostFor: spreadLoopback, users: [user] } : { host, users: [user] });
process.stdout.write(
  `${JSON.stringify({ ready: true, user: user.name, addresses: fleet.addresses, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) })}\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await fleet.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
