/**
 * A small QEMU launcher for the rescue-image tests: one machine (disks, optional
 * ISO, UEFI or legacy BIOS), its serial console on a stdio pipe, a pidfile, and
 * an expect-style reader that waits for text with deadlines (never sleeps).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export type Firmware = 'uefi' | 'bios';

export interface VmOptions {
  /** Directory for the pidfile and the UEFI variable store (one per machine). */
  dir: string;
  firmware: Firmware;
  /** Raw disk images, attached as virtio-blk in this order (vda, vdb, ...). */
  disks: string[];
  /** Rescue ISO attached as a SATA cdrom. */
  iso?: string;
  /** Boot the cdrom first (else the first disk first). */
  bootCdrom?: boolean;
  /** Direct kernel boot instead of firmware (used to start the installer quickly). */
  kernel?: { kernel: string; initrd: string; append: string };
  /** Installer parameters handed over as QEMU fw_cfg opt/rescuebox/cmdline. */
  fwCmdline?: string;
  /** Exit QEMU instead of rebooting the guest. */
  noReboot?: boolean;
  memMiB?: number;
  /** An Intel 6300ESB watchdog (i6300esb driver); QEMU resets the machine when it fires. */
  watchdog?: boolean;
}

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export function accel(): string {
  return process.env.RESCUEBOX_ACCEL ?? 'tcg';
}

export function qemuArgs(o: VmOptions): string[] {
  const a = ['-machine', 'q35', '-accel', accel(), '-m', String(o.memMiB ?? 512), '-smp', '1',
    '-nodefaults', '-no-user-config', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0', '-pidfile', join(o.dir, 'qemu.pid')];
  if (o.firmware === 'uefi') {
    const vars = join(o.dir, 'OVMF_VARS.fd');
    if (!existsSync(vars)) copyFileSync(OVMF_VARS, vars);
    a.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`);
  }
  let index = o.bootCdrom ? 2 : 1;
  o.disks.forEach((d, i) => {
    a.push('-drive', `file=${d},if=none,id=d${i},format=raw,cache=unsafe`);
    a.push('-device', `virtio-blk-pci,drive=d${i}${i === 0 ? `,bootindex=${index++}` : ''}`);
  });
  if (o.iso) {
    a.push('-drive', `file=${o.iso},if=none,id=cd,media=cdrom,readonly=on`);
    a.push('-device', `ide-cd,drive=cd,bootindex=${o.bootCdrom ? 1 : index}`);
  }
  if (o.kernel) a.push('-kernel', o.kernel.kernel, '-initrd', o.kernel.initrd, '-append', o.kernel.append);
  if (o.fwCmdline) a.push('-fw_cfg', `name=opt/rescuebox/cmdline,string=${o.fwCmdline.replace(/,/g, ',,')}`);
  if (o.noReboot) a.push('-no-reboot');
  if (o.watchdog) a.push('-device', 'i6300esb');
  return a;
}

/** Accumulated serial output with a read cursor; waits are deadline based. */
export class Serial {
  text = '';
  private cursor = 0;
  private waiters = new Set<() => void>();
  private closed = false;

  push(chunk: string): void {
    this.text += chunk;
    for (const w of [...this.waiters]) w();
  }
  close(): void {
    this.closed = true;
    for (const w of [...this.waiters]) w();
  }
  /** Output since the cursor. */
  pending(): string {
    return this.text.slice(this.cursor);
  }
  /**
   * Waits until `pattern` appears after the cursor, moves the cursor past it and
   * returns the match. Rejects at the deadline or when QEMU exits first.
   */
  expect(pattern: RegExp | string, timeoutMs: number): Promise<RegExpExecArray> {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = re.exec(this.text.slice(this.cursor));
        if (m) {
          this.cursor += m.index + m[0].length;
          done();
          resolve(m);
          return true;
        }
        if (this.closed) {
          done();
          reject(new Error(`QEMU exited before ${re}; last output:\n${this.tail()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timeout (${timeoutMs} ms) waiting for ${re}; last output:\n${this.tail()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waker);
      };
      const waker = (): void => {
        check();
      };
      if (!check()) this.waiters.add(waker);
    });
  }
  tail(n = 2500): string {
    return this.text.slice(-n);
  }
}

export class Vm {
  readonly serial = new Serial();
  readonly exited: Promise<number | null>;
  readonly startedAt = performance.now();
  private child: ChildProcess;
  /** Characters sent to the console, Enter presses counted separately. */
  keystrokes = { enter: 0, other: 0 };

  constructor(readonly opts: VmOptions, logFile?: string) {
    this.child = spawn('qemu-system-x86_64', qemuArgs(opts), { stdio: ['pipe', 'pipe', 'pipe'] });
    const onData = (b: Buffer): void => {
      const s = b.toString('latin1');
      this.serial.push(s);
      if (logFile) appendFileSync(logFile, s);
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => {
        this.serial.close();
        resolve(code);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Seconds since QEMU was started. */
  elapsed(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  expect(pattern: RegExp | string, timeoutMs = 240_000): Promise<RegExpExecArray> {
    return this.serial.expect(pattern, timeoutMs);
  }

  /** Types text on the serial console ("\r" is Enter). */
  type(text: string): void {
    for (const ch of text) {
      if (ch === '\r') this.keystrokes.enter++;
      else this.keystrokes.other++;
    }
    this.child.stdin?.write(text);
  }

  /** Runs a shell command in the guest and waits for its marker line. */
  async sh(cmd: string, timeoutMs = 60_000): Promise<string> {
    const tag = `RBT${Math.floor(Math.random() * 1e9)}`;
    this.child.stdin?.write(`${cmd}; echo ${tag}-\${?}-END\r`);
    const m = await this.expect(new RegExp(`${tag}-(\\d+)-END`), timeoutMs);
    const all = this.serial.text;
    const end = all.lastIndexOf(`${tag}-${m[1]}-END`);
    const start = all.lastIndexOf(`${tag}-\${?}-END`, end);
    return all.slice(start >= 0 ? start : 0, end).replace(/^.*?\n/, '');
  }

  /** Hard power-off: SIGKILL to QEMU, then wait for it to be gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
