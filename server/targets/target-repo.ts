import type { Database } from 'better-sqlite3';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { TargetCreate, TargetPatch } from './target-schema.ts';
import type { Capabilities } from './prober.ts';
import { ApiError } from '../auth/api-error.ts';

/** A stored target as the API returns it: secrets show only as `hasPassword` / `hasKg`. */
export interface StoredTarget {
  id: string;
  name: string;
  tags: string[];
  bmc: { protocol: 'none' | 'ipmi' | 'redfish'; address?: string; port?: number; user?: string; hasPassword: boolean; hasKg: boolean };
  console: { transport: 'ipmi-sol' | 'tcp' | 'ssh' | 'serial'; host?: string; port?: number; device?: string; baud?: number; telnet?: 'auto' | 'on' | 'off' };
  settings: Record<string, unknown>;
  capabilities: (Capabilities & Record<string, unknown>) | null;
  probedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  name: string;
  bmc_protocol: StoredTarget['bmc']['protocol'];
  bmc_address: string | null;
  bmc_port: number | null;
  bmc_user: string | null;
  console_transport: StoredTarget['console']['transport'];
  console_json: string;
  tags_json: string;
  settings_json: string;
  capabilities_json: string | null;
  probed_at: number | null;
  created_at: number;
  updated_at: number;
}

type Listener = (event: 'upsert' | 'delete', id: string) => void;

export class TargetRepo {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The console hub subscribes to attach or drop consoles as targets change. */
  onChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(event: 'upsert' | 'delete', id: string): void {
    for (const l of this.listeners) l(event, id);
  }

  private toTarget(r: Row): StoredTarget {
    const { transport: _t, ...consoleRest } = JSON.parse(r.console_json) as Record<string, unknown>;
    return {
      id: r.id,
      name: r.name,
      tags: JSON.parse(r.tags_json) as string[],
      bmc: {
        protocol: r.bmc_protocol,
        ...(r.bmc_address !== null ? { address: r.bmc_address } : {}),
        ...(r.bmc_port !== null ? { port: r.bmc_port } : {}),
        ...(r.bmc_user !== null ? { user: r.bmc_user } : {}),
        hasPassword: this.secrets.has(r.id, 'bmc-password'),
        hasKg: this.secrets.has(r.id, 'ipmi-kg'),
      },
      console: { transport: r.console_transport, ...consoleRest },
      settings: JSON.parse(r.settings_json) as Record<string, unknown>,
      capabilities: r.capabilities_json ? (JSON.parse(r.capabilities_json) as StoredTarget['capabilities']) : null,
      probedAt: r.probed_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  list(): StoredTarget[] {
    return (this.db.prepare('SELECT * FROM targets ORDER BY id').all() as Row[]).map((r) => this.toTarget(r));
  }

  get(id: string): StoredTarget | undefined {
    const r = this.db.prepare('SELECT * FROM targets WHERE id = ?').get(id) as Row | undefined;
    return r && this.toTarget(r);
  }

  tagsOf(id: string): string[] | undefined {
    const r = this.db.prepare('SELECT tags_json FROM targets WHERE id = ?').get(id) as { tags_json: string } | undefined;
    return r && (JSON.parse(r.tags_json) as string[]);
  }

  private writeSecrets(id: string, bmc: { password?: string; kg?: string }): void {
    if (bmc.password !== undefined) {
      if (bmc.password === '') this.secrets.delete(id, 'bmc-password');
      else this.secrets.put(id, 'bmc-password', bmc.password);
    }
    if (bmc.kg !== undefined) {
      if (bmc.kg === '') this.secrets.delete(id, 'ipmi-kg');
      else this.secrets.put(id, 'ipmi-kg', bmc.kg);
    }
  }

  create(t: TargetCreate): StoredTarget {
    if (this.get(t.id)) throw new ApiError(409, 'E_TARGET_EXISTS', `target ${t.id} already exists`, 'id');
    const ts = this.now();
    const { transport, ...consoleRest } = t.console;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO targets (id, name, bmc_protocol, bmc_address, bmc_port, bmc_user, console_transport, console_json, tags_json, settings_json, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(t.id, t.name ?? t.id, t.bmc.protocol, t.bmc.address ?? null, t.bmc.port ?? null, t.bmc.user ?? null, transport, JSON.stringify(consoleRest), JSON.stringify(t.tags), JSON.stringify(t.settings), ts, ts);
      this.writeSecrets(t.id, t.bmc);
    })();
    this.emit('upsert', t.id);
    return this.get(t.id) as StoredTarget;
  }

  update(id: string, p: TargetPatch): StoredTarget {
    const cur = this.get(id);
    if (!cur) throw new ApiError(404, 'E_TARGET_NOT_FOUND', `no target ${id}`, 'id');
    this.db.transaction(() => {
      if (p.name !== undefined) this.db.prepare('UPDATE targets SET name = ? WHERE id = ?').run(p.name, id);
      if (p.tags !== undefined) this.db.prepare('UPDATE targets SET tags_json = ? WHERE id = ?').run(JSON.stringify(p.tags), id);
      if (p.settings !== undefined) this.db.prepare('UPDATE targets SET settings_json = ? WHERE id = ?').run(JSON.stringify(p.settings), id);
      if (p.console !== undefined) {
        const { transport, ...rest } = p.console;
        this.db.prepare('UPDATE targets SET console_transport = ?, console_json = ? WHERE id = ?').run(transport, JSON.stringify(rest), id);
      }
      if (p.bmc !== undefined) {
        this.db
          .prepare('UPDATE targets SET bmc_protocol = ?, bmc_address = ?, bmc_port = ?, bmc_user = ?, capabilities_json = NULL, probed_at = NULL WHERE id = ?')
          .run(p.bmc.protocol, p.bmc.address ?? null, p.bmc.port ?? null, p.bmc.user ?? null, id);
        this.writeSecrets(id, p.bmc);
      }
      this.db.prepare('UPDATE targets SET updated_at = ? WHERE id = ?').run(this.now(), id);
    })();
    this.emit('upsert', id);
    return this.get(id) as StoredTarget;
  }

  delete(id: string): void {
    const info = this.db.transaction(() => {
      this.secrets.delete(id);
      return this.db.prepare('DELETE FROM targets WHERE id = ?').run(id);
    })();
    if (info.changes === 0) throw new ApiError(404, 'E_TARGET_NOT_FOUND', `no target ${id}`, 'id');
    this.emit('delete', id);
  }

  saveProbe(id: string, capabilities: Record<string, unknown>): void {
    this.db.prepare('UPDATE targets SET capabilities_json = ?, probed_at = ? WHERE id = ?').run(JSON.stringify(capabilities), this.now(), id);
  }

  /** Decrypted credentials for an adapter; callers must not log or return them. */
  credentials(id: string): { password?: string; kg?: string } {
    const password = this.secrets.get(id, 'bmc-password');
    const kg = this.secrets.get(id, 'ipmi-kg');
    return { ...(password !== undefined ? { password } : {}), ...(kg !== undefined ? { kg } : {}) };
  }
}
