import type { ConsoleTransport } from '../../bmc-adapters/console-transport.ts';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import type { StoredTarget } from './target-repo.ts';

/** Why a stored target has no console the hub can open (unsupported kind, missing field). */
export class ConsoleTargetError extends Error {
  readonly code = 'E_CONSOLE_TARGET';
}

export interface TransportCredentials {
  password?: string;
  kg?: string;
}

/**
 * Builds the ConsoleTransport a stored target asks for. SSH and local serial
 * plug in here when their adapters land; until then they are refused by name.
 */
export function createConsoleTransport(t: StoredTarget, creds: TransportCredentials): ConsoleTransport {
  const c = t.console;
  switch (c.transport) {
    case 'tcp':
      if (!c.host || !c.port) throw new ConsoleTargetError(`target ${t.id}: console.host and console.port are required for tcp`);
      return new TcpTransport({ host: c.host, port: c.port, telnet: c.telnet ?? 'auto' });
    case 'ipmi-sol': {
      if (!t.bmc.address) throw new ConsoleTargetError(`target ${t.id}: bmc.address is required for ipmi-sol`);
      if (!t.bmc.user || creds.password === undefined) throw new ConsoleTargetError(`target ${t.id}: bmc.user and a stored BMC password are required for ipmi-sol`);
      const allowInsecure = t.settings.ipmiAllowInsecure === true;
      const suites = Array.isArray(t.settings.ipmiCipherSuites) ? (t.settings.ipmiCipherSuites as number[]) : undefined;
      return new SolTransport({
        host: t.bmc.address,
        port: t.bmc.port ?? 623,
        username: t.bmc.user,
        password: creds.password,
        ...(creds.kg ? { kg: Buffer.from(creds.kg, 'hex') } : {}),
        ...(suites ? { cipherSuites: suites } : {}),
        allowInsecure,
        steal: t.settings.solSteal === true,
      });
    }
    case 'ssh':
    case 'serial':
      throw new ConsoleTargetError(`target ${t.id}: console transport ${c.transport} is not available in this version`);
  }
}
