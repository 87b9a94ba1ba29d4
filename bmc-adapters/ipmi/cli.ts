import { Command, Option } from 'commander';
import type { BootTarget, IpmiClient, PowerAction } from './client.ts';
import { SolTransport } from './sol/sol-transport.ts';
import { parseWorkarounds } from './session/workarounds.ts';
import { forEachBmc } from './fanout.ts';
import { DEFAULT_FANOUT, UdpPool } from './transport/udp-pool.ts';
import type { SessionOptions } from './session/session.ts';

/**
 * `rescuebox ipmi ...`: ipmitool-shaped commands over our own IPMI 2.0 client.
 * The password never comes from argv: RESCUEBOX_IPMI_PASSWORD, or a prompt on the terminal.
 */
interface GlobalOpts {
  host?: string;
  port: string;
  user: string;
  cipher?: string;
  hosts?: string;
  fanout: string;
  timeout: string;
  retries: string;
  workarounds?: string;
  allowInsecure?: boolean;
  kgHex?: boolean;
}

async function readPassword(prompt: string): Promise<string> {
  const env = process.env.RESCUEBOX_IPMI_PASSWORD;
  if (env !== undefined) return env;
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new Error('no password: set RESCUEBOX_IPMI_PASSWORD (stdin is not a terminal to prompt on)');
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let pw = '';
    const onData = (d: Buffer): void => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return resolve(pw);
        }
        if (ch === '\u0003') {
          finish();
          return reject(new Error('interrupted'));
        }
        if (ch === '\u007f' || ch === '\b') pw = pw.slice(0, -1);
        else pw += ch;
      }
    };
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

function parseTargets(g: GlobalOpts): { host: string; port: number }[] {
  if (g.hosts) {
    return g.hosts
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((hp) => {
        const i = hp.lastIndexOf(':');
        const host = i > 0 ? hp.slice(0, i) : hp;
        const port = i > 0 ? Number(hp.slice(i + 1)) : 623;
        if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port in "${hp}"`);
        return { host, port };
      });
  }
  if (!g.host) throw new Error('give -H HOST (or --hosts H:P,H:P,...)');
  return [{ host: g.host, port: Number(g.port) }];
}

async function sessionOptions(g: GlobalOpts): Promise<SessionOptions> {
  const password = await readPassword(`IPMI password for ${g.user}: `);
  const o: SessionOptions = {
    username: g.user,
    password,
    timeoutMs: Number(g.timeout),
    retries: Number(g.retries),
    workarounds: parseWorkarounds(g.workarounds),
    allowInsecure: !!g.allowInsecure,
  };
  if (g.cipher !== undefined) o.cipherSuites = [Number(g.cipher)];
  const kg = process.env.RESCUEBOX_IPMI_KG;
  if (kg) o.kg = g.kgHex ? Buffer.from(kg, 'hex') : Buffer.from(kg, 'utf8');
  return o;
}

/**
 * Runs `fn` on every target (bmc-adapters/ipmi/fanout.ts): with --hosts one line per BMC, printed
 * in the order given once every BMC answered or failed, so scripts can zip results with their input.
 */
async function forEachTarget(cmd: Command, fn: (c: IpmiClient) => Promise<string | undefined>): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOpts>();
  const targets = parseTargets(g);
  const base = await sessionOptions(g);
  const many = targets.length > 1 || !!g.hosts;
  const results = await forEachBmc(targets, base, fn, { fanout: Number(g.fanout) || DEFAULT_FANOUT });
  let failed = 0;
  let out = '';
  results.forEach((r, i) => {
    const t = targets[i] as { host: string; port: number };
    if (!r.ok) failed++;
    const msg = r.ok ? '' : r.error.message.replace(/\s+/g, ' ');
    if (many) out += `${t.host}:${t.port}: ${r.ok ? (r.value ?? 'ok') : `error ${msg}`}\n`;
    else if (!r.ok) process.stderr.write(`error: ${msg}\n`);
    else if (r.value !== undefined) out += `${r.value}\n`;
  });
  process.stdout.write(out);
  if (failed > 0) process.exitCode = 1;
}

async function solActivate(cmd: Command, steal: boolean): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOpts>();
  const [t] = parseTargets(g);
  if (!t || g.hosts) throw new Error('sol activate takes one -H HOST');
  const base = await sessionOptions(g);
  const pool = new UdpPool({ sockets: 1 });
  const sol = new SolTransport({ ...base, host: t.host, port: t.port, pool, steal });
  sol.on('data', (d) => process.stdout.write(d));
  sol.on('warning', (w) => process.stderr.write(`\r\n[sol: ${w}]\r\n`));
  sol.on('state', (e) => {
    if (e.state === 'reconnecting') process.stderr.write(`\r\n[sol: ${e.reason ?? 'lost'}; retrying in ${e.retryInMs ?? 0} ms]\r\n`);
  });
  await sol.open();
  process.stderr.write('[SOL session operational. Use ~. to end, ~B to send a break]\r\n');
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  // ssh-style escapes, recognised only right after a newline (or at the very start).
  let lineStart = true;
  let tilde = false;
  await new Promise<void>((resolve) => {
    const end = (): void => {
      stdin.off('data', onData);
      resolve();
    };
    const onData = (d: Buffer): void => {
      const out: number[] = [];
      for (const b of d) {
        if (tilde) {
          tilde = false;
          if (b === 0x2e) return void (sol.write(Buffer.from(out)), end()); // ~.
          if (b === 0x42) {
            sol.write(Buffer.from(out.splice(0)));
            sol.sendBreak(); // ~B
            continue;
          }
          if (b !== 0x7e) out.push(0x7e);
          out.push(b);
        } else if (lineStart && b === 0x7e) {
          tilde = true;
          continue;
        } else out.push(b);
        lineStart = b === 0x0d || b === 0x0a;
      }
      if (out.length) sol.write(Buffer.from(out));
    };
    stdin.on('data', onData);
    stdin.once('end', end);
    stdin.resume();
  });
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  await sol.close();
  await pool.close();
  process.stderr.write('\r\n[SOL session closed]\r\n');
}

function fail(e: unknown): void {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 1;
}

export const ipmiCommand = new Command('ipmi')
  .description('IPMI 2.0 (RMCP+) client: power, boot device, BMC info, Serial-over-LAN')
  .option('-H, --host <host>', 'BMC address')
  .option('-p, --port <port>', 'BMC UDP port', '623')
  .option('-U, --user <user>', 'user name', 'admin')
  .addOption(new Option('-C, --cipher <id>', 'cipher suite to use (default: try 17, then 3)').choices(['17', '3', '16', '2', '15', '1', '0']))
  .option('--hosts <list>', 'many BMCs at once: HOST:PORT,HOST:PORT,...')
  .option('--fanout <n>', 'BMCs contacted concurrently with --hosts', String(DEFAULT_FANOUT))
  .option('--timeout <ms>', 'first retransmit timeout', '1000')
  .option('--retries <n>', 'retransmissions per request', '3')
  .option('-W, --workarounds <list>', 'comma-separated BMC workarounds (see docs/ipmi.md)')
  .option('--allow-insecure', 'allow cipher suites without integrity + AES')
  .option('--kg-hex', 'RESCUEBOX_IPMI_KG holds the BMC key Kg as hex')
  .addHelpText('after', '\nPassword: RESCUEBOX_IPMI_PASSWORD, or a prompt. BMC key: RESCUEBOX_IPMI_KG.');

ipmiCommand
  .command('power')
  .description('power status|on|off|cycle|reset|soft|nmi')
  .argument('<action>', 'status, on, off, cycle, reset, soft or nmi')
  .option('--wait', 'for on/off/soft: wait until the chassis reports the state')
  .action(async (action: string, o: { wait?: boolean }, cmd: Command) => {
    if (!['status', 'on', 'off', 'cycle', 'reset', 'soft', 'nmi'].includes(action)) return fail(new Error(`unknown power action "${action}"`));
    await forEachTarget(cmd, async (c) => {
      if (action === 'status') return c.powerStatus();
      await c.power(action as PowerAction, { wait: !!o.wait });
      return action === 'on' || action === 'off' ? (o.wait ? action : 'ok') : 'ok';
    }).catch(fail);
  });

ipmiCommand
  .command('bootdev')
  .description('boot device for the next boot (or every boot with --persistent)')
  .argument('<device>', 'pxe, disk, cdrom or bios')
  .option('--persistent', 'keep for every boot')
  .option('--efi', 'request an EFI boot')
  .action(async (dev: string, o: { persistent?: boolean; efi?: boolean }, cmd: Command) => {
    if (!['pxe', 'disk', 'cdrom', 'bios'].includes(dev)) return fail(new Error(`unknown boot device "${dev}"`));
    await forEachTarget(cmd, async (c) => {
      await c.bootdev(dev as BootTarget, { persistent: !!o.persistent, efi: !!o.efi });
      return `boot device set to ${dev}${o.persistent ? ' (persistent)' : ''}${o.efi ? ' (EFI)' : ''}`;
    }).catch(fail);
  });

ipmiCommand
  .command('mc')
  .description('mc info: BMC device id, firmware, IPMI version')
  .argument('<what>', 'info')
  .action(async (what: string, _o: unknown, cmd: Command) => {
    if (what !== 'info') return fail(new Error('only "mc info" is supported'));
    await forEachTarget(cmd, async (c) => {
      const d = await c.mcInfo();
      return [
        `Device ID                 : ${d.deviceId}`,
        `Device Revision           : ${d.deviceRevision}`,
        `Firmware Revision         : ${d.firmwareMajor}.${String(d.firmwareMinor).padStart(2, '0')}`,
        `IPMI Version              : ${d.ipmiVersion >> 4 || d.ipmiVersion}.${d.ipmiVersion >> 4 ? d.ipmiVersion & 0x0f : 0}`,
        `Manufacturer ID           : ${d.manufacturerId}`,
        `Product ID                : ${d.productId}`,
        `Device Available          : ${d.deviceAvailable ? 'yes' : 'no'}`,
        `Cipher Suite              : ${c.session.suite?.id ?? '?'}`,
      ].join('\n');
    }).catch(fail);
  });

ipmiCommand
  .command('cipher-suites')
  .description('list the cipher suites the BMC advertises (advisory: BMCs list suites they refuse)')
  .action(async (_o: unknown, cmd: Command) => {
    await forEachTarget(cmd, async (c) => (await c.cipherSuites()).map((s) => `${s.id}: auth ${s.auth.join('/')} integrity ${s.integrity.join('/')} confidentiality ${s.confidentiality.join('/')}`).join('\n')).catch(fail);
  });

ipmiCommand
  .command('sol')
  .description('sol activate: the serial console on stdin/stdout (~. ends, ~B sends a break)')
  .argument('<what>', 'activate')
  .option('--steal', 'deactivate another session holding SOL')
  .action(async (what: string, o: { steal?: boolean }, cmd: Command) => {
    if (what !== 'activate') return fail(new Error('only "sol activate" is supported'));
    await solActivate(cmd, !!o.steal).catch(fail);
  });
