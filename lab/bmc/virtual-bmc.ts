import type { BmcClock } from './clock.ts';
import type { LabMachine } from './machine.ts';
import { IpmiLanServer, type IpmiLanServerOptions } from './ipmi/lan-server.ts';
import type { BmcUser } from './ipmi/users.ts';

export interface VirtualBmcOptions {
  machine: LabMachine;
  users: readonly BmcUser[];
  host?: string;
  /** IPMI UDP port; 0 (default) = kernel's choice. */
  ipmiPort?: number;
  clock?: BmcClock;
  /** Anything else the IPMI side takes (timeouts, SOL sizes...). */
  ipmi?: Partial<Omit<IpmiLanServerOptions, 'machine' | 'users' | 'host' | 'port' | 'clock'>>;
}

export interface VirtualBmcPorts {
  host: string;
  ipmi: number;
}

/**
 * The BMC in front of one lab machine: today its IPMI LAN interface; the
 * Redfish service joins here, sharing the same LabMachine so both protocols
 * see one power state, one boot override and one virtual CD.
 */
export class VirtualBmc {
  readonly ipmi: IpmiLanServer;
  private started = false;

  constructor(readonly opts: VirtualBmcOptions) {
    this.ipmi = new IpmiLanServer({
      ...opts.ipmi,
      machine: opts.machine,
      users: opts.users,
      host: opts.host ?? '127.0.0.1',
      port: opts.ipmiPort ?? 0,
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
  }

  get machine(): LabMachine {
    return this.opts.machine;
  }

  get ports(): VirtualBmcPorts {
    return { host: this.ipmi.host, ipmi: this.ipmi.port };
  }

  async start(): Promise<VirtualBmcPorts> {
    if (!this.started) {
      await this.ipmi.start();
      this.started = true;
    }
    return this.ports;
  }

  /** Stops listening; the machine keeps running (a BMC reboot does not power off the host). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.ipmi.stop();
  }
}
