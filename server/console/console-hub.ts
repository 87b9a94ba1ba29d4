import { join } from 'node:path';
import type { ConsoleTransport } from '../../bmc-adapters/console-transport.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { TargetSummary } from '../wire.ts';
import { ConsoleSession } from './console-session.ts';
import { ConsoleError } from './errors.ts';

/** Registry of console sessions by target id; the API and playbooks find consoles here. */
export interface ConsoleTargetSpec {
  id: string;
  name?: string;
  tags?: string[];
  /** Transport kind as configured ("tcp", "ipmi-sol", ...), shown in the target list. */
  kind: string;
  transport: ConsoleTransport;
}

export interface ConsoleHubOptions {
  console: Config['console'];
  /** Transcripts go to <dataDir>/transcripts/<target>/; null disables recording. */
  dataDir: string | null;
  log?: Logger;
}

interface Entry {
  spec: ConsoleTargetSpec;
  session: ConsoleSession;
}

export class ConsoleHub {
  private readonly opts: ConsoleHubOptions;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: ConsoleHubOptions) {
    this.opts = opts;
  }

  /** Creates the session and opens its transport right away, independent of viewers. */
  add(spec: ConsoleTargetSpec): ConsoleSession {
    if (this.entries.has(spec.id)) throw new ConsoleError('E_TARGET_EXISTS', `console target ${spec.id} already exists`);
    const c = this.opts.console;
    const session = new ConsoleSession({
      targetId: spec.id,
      transport: spec.transport,
      ringBytes: c.ringBytes,
      viewerHighWaterBytes: c.viewerHighWaterBytes,
      transcript: this.opts.dataDir
        ? { dir: join(this.opts.dataDir, 'transcripts', spec.id), maxBytes: c.transcriptMaxBytes, keep: c.transcriptKeep }
        : null,
      ...(this.opts.log ? { log: this.opts.log.child({ target: spec.id }) } : {}),
    });
    this.entries.set(spec.id, { spec, session });
    session.start();
    return session;
  }

  async remove(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) throw new ConsoleError('E_NO_TARGET', `no console target ${id}`);
    this.entries.delete(id);
    await e.session.close();
  }

  get(id: string): ConsoleSession | undefined {
    return this.entries.get(id)?.session;
  }

  /** Like get, but a typed error for callers that need the session. */
  require(id: string): ConsoleSession {
    const s = this.get(id);
    if (!s) throw new ConsoleError('E_NO_TARGET', `no console target ${id}`);
    return s;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Target list as GET /api/targets returns it (power is another module's business). */
  list(): TargetSummary[] {
    return [...this.entries.values()].map(({ spec, session }) => ({
      id: spec.id,
      name: spec.name ?? spec.id,
      console: { kind: spec.kind, state: session.state, description: spec.transport.description },
      tags: spec.tags ?? [],
    }));
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.session.close()));
  }
}
