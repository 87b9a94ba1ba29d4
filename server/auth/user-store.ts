import type { Database } from 'better-sqlite3';
import type { Role } from '../wire.ts';
import type { Grant } from './roles.ts';
import type { PasswordHasher } from './password-hash.ts';
import { ApiError } from './api-error.ts';

export interface User {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  grants: Grant[];
  createdAt: number;
}

interface UserRow {
  id: number;
  username: string;
  role: Role;
  disabled: number;
  created_at: number;
  password_hash: string;
}

/** Users, their password hashes and per-tag grants. Hashes never leave this module. */
export class UserStore {
  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    private readonly now: () => number = Date.now,
  ) {}

  private toUser(r: UserRow): User {
    const grants = this.db.prepare('SELECT tag, role FROM role_grants WHERE user_id = ? ORDER BY tag').all(r.id) as Grant[];
    return { id: r.id, username: r.username, role: r.role, disabled: r.disabled !== 0, grants, createdAt: r.created_at };
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map((r) => this.toUser(r));
  }

  byId(id: number): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r && this.toUser(r);
  }

  byName(username: string): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return r && this.toUser(r);
  }

  async create(u: { username: string; password: string; role: Role; grants?: Grant[] }): Promise<User> {
    if (this.byName(u.username)) throw new ApiError(409, 'E_USER_EXISTS', `user ${u.username} already exists`, 'username');
    const hash = await this.hasher.hash(u.password);
    const t = this.now();
    const id = this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(u.username, hash, u.role, t, t);
      const uid = Number(info.lastInsertRowid);
      this.writeGrants(uid, u.grants ?? []);
      return uid;
    })();
    return this.byId(id) as User;
  }

  private writeGrants(userId: number, grants: Grant[]): void {
    this.db.prepare('DELETE FROM role_grants WHERE user_id = ?').run(userId);
    const ins = this.db.prepare('INSERT INTO role_grants (user_id, tag, role) VALUES (?, ?, ?)');
    for (const g of grants) ins.run(userId, g.tag, g.role);
  }

  /** Returns the user, or undefined for an unknown/disabled user or a wrong password (same time either way). */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    // Unknown users still pay for one hash so timing does not reveal which names exist.
    const ok = await this.hasher.verify(password, r?.password_hash ?? (await this.dummyHash()));
    if (!r || !ok || r.disabled) return undefined;
    // Hashes made with a lower cost (older build, test data) are upgraded while the password is at hand.
    if (Number(r.password_hash.split('$')[1]) < this.hasher.logN) {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(await this.hasher.hash(password), r.id);
    }
    return this.toUser(r);
  }

  private dummy?: Promise<string>;
  private dummyHash(): Promise<string> {
    this.dummy ??= this.hasher.hash('not a password');
    return this.dummy;
  }

  private adminCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }).n;
  }

  private assertNotLastAdmin(u: User, next: { role?: Role; disabled?: boolean; deleting?: boolean }): void {
    const losesAdmin = u.role === 'admin' && !u.disabled && (next.deleting || next.disabled === true || (next.role !== undefined && next.role !== 'admin'));
    if (losesAdmin && this.adminCount() <= 1) throw new ApiError(409, 'E_LAST_ADMIN', 'the last enabled admin cannot be removed, disabled or demoted', next.deleting ? 'username' : next.role !== undefined ? 'role' : 'disabled');
  }

  async update(username: string, patch: { role?: Role; disabled?: boolean; password?: string; grants?: Grant[] }): Promise<User> {
    const u = this.byName(username);
    if (!u) throw new ApiError(404, 'E_USER_NOT_FOUND', `no user ${username}`, 'username');
    this.assertNotLastAdmin(u, patch);
    const hash = patch.password !== undefined ? await this.hasher.hash(patch.password) : undefined;
    this.db.transaction(() => {
      if (patch.role !== undefined) this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(patch.role, u.id);
      if (patch.disabled !== undefined) this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(patch.disabled ? 1 : 0, u.id);
      if (hash !== undefined) this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, u.id);
      if (patch.grants !== undefined) this.writeGrants(u.id, patch.grants);
      this.db.prepare('UPDATE users SET updated_at = ? WHERE id = ?').run(this.now(), u.id);
      // A new password, a role change or disabling ends every open session.
      if (hash !== undefined || patch.disabled || patch.role !== undefined) this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(u.id);
    })();
    return this.byId(u.id) as User;
  }

  delete(username: string): void {
    const u = this.byName(username);
    if (!u) throw new ApiError(404, 'E_USER_NOT_FOUND', `no user ${username}`, 'username');
    this.assertNotLastAdmin(u, { deleting: true });
    this.db.prepare('DELETE FROM users WHERE id = ?').run(u.id);
  }
}
