import { Command, Option } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AdapterError } from '../errors.ts';
import { RedfishClient } from './client.ts';
import type { BootDevice, PowerOp } from './quirks/index.ts';
import { FilePinStore } from './tls-pin.ts';

/**
 * `rescuebox redfish -H https://HOST:PORT -U USER <power|bootdev|media> ...`.
 * The password never comes from the command line: RESCUEBOX_REDFISH_PASSWORD
 * or an interactive prompt with echo off.
 */
interface GlobalOpts {
  host: string;
  user: string;
  acceptFingerprint?: string;
  pinStore: string;
  json?: boolean;
}

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new AdapterError('E_NO_PASSWORD', 'set RESCUEBOX_REDFISH_PASSWORD or run on a terminal to be prompted');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write('Redfish password: ');
  // Swallow the echo of typed characters.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  const pw = await new Promise<string>((res) => rl.question('', res));
  rl.close();
  process.stderr.write('\n');
  return pw;
}

async function withClient<T>(cmd: Command, fn: (c: RedfishClient) => Promise<T>): Promise<void> {
  const o = cmd.optsWithGlobals<GlobalOpts>();
  const password = process.env.RESCUEBOX_REDFISH_PASSWORD ?? (await promptPassword());
  let client: RedfishClient | undefined;
  try {
    client = await RedfishClient.connect({
      url: o.host,
      user: o.user,
      password,
      pin: {
        store: new FilePinStore(o.pinStore),
        accept: o.acceptFingerprint,
        onPin: (e) =>
          process.stderr.write(`${e.kind === 'first-use' ? 'pinned on first use' : 'accepted new certificate'}: ${e.hostPort} SHA256 ${e.fingerprint}\n`),
      },
    });
    const out = await fn(client);
    process.stdout.write((typeof out === 'string' ? out : JSON.stringify(out, null, 2)) + '\n');
  } catch (e) {
    const err = e as Error & { code?: string };
    process.stderr.write(`error ${err.code ?? ''}: ${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await client?.close();
  }
}

const BOOT: Record<string, BootDevice> = { cd: 'cd', pxe: 'pxe', hdd: 'hdd', bios: 'bios' };

export function redfishCommand(): Command {
  const cmd = new Command('redfish')
    .description('power, boot device and virtual media over Redfish (password: RESCUEBOX_REDFISH_PASSWORD or prompt)')
    .requiredOption('-H, --host <url>', 'BMC URL, https://HOST[:PORT]')
    .requiredOption('-U, --user <user>', 'BMC user name')
    .option('--accept-fingerprint <sha256>', 'accept this certificate SHA-256 fingerprint (after the BMC certificate changed)')
    .addOption(new Option('--pin-store <file>', 'certificate pin store (JSON)').default(join(homedir(), '.config', 'rescuebox', 'redfish-pins.json')));

  cmd
    .command('power')
    .description('status | on | off | cycle (hard) | reset | soft (ACPI shutdown)')
    .argument('<op>', 'status|on|off|cycle|reset|soft')
    .action(async (op: string, _o, c: Command) => {
      if (!['status', 'on', 'off', 'cycle', 'reset', 'soft'].includes(op)) c.error(`unknown power operation ${op}`);
      await withClient(c, async (cl) => (op === 'status' ? cl.powerStatus() : cl.power(op as PowerOp)));
    });

  cmd
    .command('bootdev')
    .description('one-time boot device (UEFI)')
    .argument('<device>', 'cd|pxe|hdd|bios')
    .option('--persistent', 'keep the override (Continuous) instead of Once')
    .action(async (dev: string, o: { persistent?: boolean }, c: Command) => {
      const device = BOOT[dev];
      if (!device) c.error(`unknown boot device ${dev}`);
      else await withClient(c, (cl) => cl.bootOverride({ device, persistent: !!o.persistent }));
    });

  cmd
    .command('media')
    .description('insert URL | eject | status')
    .argument('<op>', 'insert|eject|status')
    .argument('[url]', 'image URL for insert')
    .action(async (op: string, url: string | undefined, _o, c: Command) => {
      if (op === 'insert' && !url) c.error('media insert needs a URL');
      if (!['insert', 'eject', 'status'].includes(op)) c.error(`unknown media operation ${op}`);
      await withClient(c, async (cl) => (op === 'insert' ? cl.mediaInsert(url as string) : op === 'eject' ? cl.mediaEject() : cl.mediaStatus()));
    });
  return cmd;
}
