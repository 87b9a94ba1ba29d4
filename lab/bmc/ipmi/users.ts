import type { Privilege } from './constants.ts';

/** One BMC account. Passwords are at most 20 bytes (IPMI 2.0 user key). */
export interface BmcUser {
  name: string;
  password: string;
  /** Highest privilege this user may reach on the LAN channel. */
  privilege: Privilege;
}

export class UserTable {
  private readonly byName = new Map<string, BmcUser>();

  constructor(users: readonly BmcUser[]) {
    for (const u of users) {
      if (Buffer.byteLength(u.name) > 16) throw new RangeError(`user name ${u.name} longer than 16 bytes`);
      if (Buffer.byteLength(u.password) > 20) throw new RangeError(`password of ${u.name} longer than 20 bytes`);
      this.byName.set(u.name, u);
    }
  }

  find(name: string): BmcUser | undefined {
    return this.byName.get(name);
  }

  /** Kuid: the password as a 20-byte zero-padded key (§13.31). */
  static key(user: BmcUser): Buffer {
    const k = Buffer.alloc(20);
    Buffer.from(user.password, 'utf8').copy(k);
    return k;
  }
}
