import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeChannelAuthCapRequest } from '../../bmc-adapters/ipmi/codec/commands/channel-auth.ts';
import { encodeIpmi15 } from '../../bmc-adapters/ipmi/codec/ipmi15.ts';
import { encodeIpmiRequest } from '../../bmc-adapters/ipmi/codec/ipmi-message.ts';
import { freePort } from './free-port.ts';

/**
 * OpenIPMI's ipmi_sim as a reference BMC. Facts that shape this helper: it logs only to
 * syslog, binds a taken port without complaint (so we pick the port), and power goes
 * through a `chassis_control` program (`prog get power` / `prog set power "1"`), here a
 * shell script keeping state in files we can read back.
 */
export interface IpmiSim {
  port: number;
  pid: number;
  dir: string;
  /** Lines "power 1", "boot pxe", "reset 1", "shutdown 1" in the order ipmi_sim ran them. */
  actions(): string[];
  stop(): Promise<void>;
}

const chassisScript = `#!/bin/sh
# ipmi_sim chassis_control program: "get NAME..." prints NAME:VALUE lines, "set NAME VALUE..." records.
D=$(dirname "$0")
cmd=$1; shift
if [ "$cmd" = get ]; then
  for n in "$@"; do
    case $n in
      power) echo "power:$(cat "$D/power" 2>/dev/null || echo 0)";;
      boot) echo "boot:$(cat "$D/boot" 2>/dev/null || echo default)";;
    esac
  done
else
  while [ $# -ge 2 ]; do
    echo "$1 $2" >> "$D/actions.log"
    case $1 in
      power) echo "$2" > "$D/power";;
      boot) echo "$2" > "$D/boot";;
      shutdown) echo 0 > "$D/power";;
    esac
    shift 2
  done
fi
`;

export interface IpmiSimOptions {
  username: string;
  password: string;
  /** TCP port of a telnet-speaking serial port for SOL (ipmi_sim connects to it). */
  solTelnetPort?: number;
  startupTimeoutMs?: number;
  /** Loopback address to serve on (default 127.0.0.1); fleets give each sim its own 127.x.y.z. */
  address?: string;
  /** Initial power state read back by `prog get power` (default off). */
  power?: 'on' | 'off';
}

/** Sends sessionless Get Channel Auth Capabilities until ipmi_sim answers (bounded by a deadline). */
async function waitUntilAnswering(address: string, port: number, deadlineMs: number): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const msg = encodeIpmiRequest({ rsAddr: 0x20, netFn: 6, rsLun: 0, rqAddr: 0x81, rqSeq: 1, rqLun: 0, cmd: 0x38, data: encodeChannelAuthCapRequest({ channel: 0x0e, ipmi20: true, maxPrivilege: 4 }) });
  const pkt = encodeIpmi15({ authType: 0, sessionSeq: 0, sessionId: 0, payload: msg });
  try {
    await new Promise<void>((resolve, reject) => {
      const end = setTimeout(() => {
        clearInterval(tick);
        reject(new Error(`ipmi_sim did not answer on ${address}:${port} within ${deadlineMs} ms`));
      }, deadlineMs);
      const tick = setInterval(() => s.send(pkt, port, address), 100);
      s.once('message', () => {
        clearTimeout(end);
        clearInterval(tick);
        resolve();
      });
      s.send(pkt, port, address);
    });
  } finally {
    s.close();
  }
}

export async function startIpmiSim(o: IpmiSimOptions): Promise<IpmiSim> {
  const dir = mkdtempSync(join(tmpdir(), 'rb-ipmisim-'));
  const port = await freePort();
  const address = o.address ?? '127.0.0.1';
  mkdirSync(join(dir, 'state'));
  if (o.power === 'on') writeFileSync(join(dir, 'power'), '1\n');
  const script = join(dir, 'chassis.sh');
  writeFileSync(script, chassisScript);
  chmodSync(script, 0o755);
  const q = (s: string) => `"${s.replace(/["\\]/g, '')}"`;
  writeFileSync(
    join(dir, 'lan.conf'),
    [
      'name "rbsim"',
      'set_working_mc 0x20',
      '  startlan 1',
      `    addr ${address} ${port}`,
      '    priv_limit admin',
      '    allowed_auths_callback none md5 straight',
      '    allowed_auths_user none md5 straight',
      '    allowed_auths_operator none md5 straight',
      '    allowed_auths_admin none md5 straight',
      '    guid a123456789abcdefa123456789abcdef',
      '  endlan',
      o.solTelnetPort ? `  sol "telnet:127.0.0.1:${o.solTelnetPort}" 115200` : '',
      `  chassis_control ${q(script)}`,
      // The password sits in a 0600 file, never on a command line.
      `  user 2 true ${q(o.username)} ${q(o.password)} admin 10 none md5 straight`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  writeFileSync(join(dir, 'sim.emu'), ['mc_setbmc 0x20', 'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr', 'sel_enable 0x20 1000 0x0a', 'mc_enable 0x20', ''].join('\n'));
  const child: ChildProcess = spawn('ipmi_sim', ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'sim.emu'), '-s', join(dir, 'state'), '-n'], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(address, port, o.startupTimeoutMs ?? 5000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    port,
    pid: child.pid ?? -1,
    dir,
    actions: () => {
      try {
        return readFileSync(join(dir, 'actions.log'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    stop,
  };
}
