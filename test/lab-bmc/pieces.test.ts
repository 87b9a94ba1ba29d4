import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeBootFlags, decodeBootFlags } from '../../bmc-adapters/ipmi/codec/commands/boot-options.ts';
import { ManualClock } from '../../lab/bmc/clock.ts';
import { BootParamStore, flagsFromOverride, overrideFromFlags } from '../../lab/bmc/ipmi/boot-options.ts';
import { LAB_CIPHER_SUITES } from '../../lab/bmc/ipmi/constants.ts';
import { SeqWindow } from '../../lab/bmc/ipmi/seq-window.ts';
import { BmcSession } from '../../lab/bmc/ipmi/session.ts';
import { SessionTable } from '../../lab/bmc/ipmi/session-table.ts';
import type { BootOverride } from '../../lab/bmc/machine.ts';
import { SerialHistory } from '../../lab/bmc/serial-history.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';

describe('lab BMC pieces', () => {
  test('sequence window: duplicates and replays refused, reordering and small gaps accepted', () => {
    const w = new SeqWindow(16, 32);
    assert.equal(w.accept(0), false);
    assert.equal(w.accept(10), true);
    assert.equal(w.accept(10), false);
    assert.equal(w.accept(12), true);
    assert.equal(w.accept(11), true);
    assert.equal(w.accept(11), false);
    assert.equal(w.accept(12 + 33), false, 'too far ahead');
    assert.equal(w.accept(40), true);
    assert.equal(w.accept(24), false, '16 behind the top');
    assert.equal(w.accept(25), true);
  });

  test('session table: idle and handshake timeouts on the injected clock', () => {
    const clock = new ManualClock();
    const removed: string[] = [];
    let n = 0;
    const t = new SessionTable({
      clock,
      maxSessions: 2,
      idleTimeoutMs: 60_000,
      handshakeTimeoutMs: 5_000,
      random: () => {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(++n);
        return b;
      },
      onRemove: (_s, why) => removed.push(why),
    });
    const suite = LAB_CIPHER_SUITES[1];
    assert.ok(suite);
    const mk = () => new BmcSession(t.newId(), 99, suite, { address: '127.0.0.1', port: 1 }, { requestedMaxPriv: 4, openTag: 0, now: clock.now() });
    const half = mk();
    const active = mk();
    active.state = 'active';
    assert.equal(t.add(half), true);
    assert.equal(t.add(active), true);
    assert.equal(t.add(mk()), false, 'table full');
    clock.advance(5_000);
    assert.deepEqual(removed, ['handshake timeout']);
    clock.advance(30_000);
    t.touch(active);
    clock.advance(59_000);
    assert.equal(t.size, 1);
    clock.advance(1_500);
    assert.deepEqual(removed, ['handshake timeout', 'idle timeout']);
    assert.equal(clock.pending, 0, 'no timer left once empty');
  });

  test('boot flags: override ↔ wire round trip through the shared codec', () => {
    const cases: BootOverride[] = [
      { device: 'pxe', persistent: false, efi: false },
      { device: 'disk', persistent: true, efi: false },
      { device: 'cdrom', persistent: false, efi: true },
      { device: 'bios', persistent: true, efi: true },
      { device: 'none', persistent: false, efi: false },
    ];
    for (const o of cases) assert.deepEqual(overrideFromFlags(decodeBootFlags(encodeBootFlags(flagsFromOverride(o)))), o);
    // ipmitool `chassis bootdev pxe`: 0x80 0x04.
    assert.deepEqual(overrideFromFlags(decodeBootFlags(Buffer.from([0x80, 0x04, 0, 0, 0]))), { device: 'pxe', persistent: false, efi: false });
    const store = new BootParamStore();
    let set: BootOverride | undefined;
    assert.equal(store.set(5, Buffer.from([0xc0, 0x14, 0, 0, 0]), (o) => (set = o)), 'ok');
    assert.deepEqual(set, { device: 'cdrom', persistent: true, efi: false });
    assert.equal(store.set(4, Buffer.from([0x01, 0x01]), () => undefined), 'ok');
    assert.deepEqual(store.get(4, () => set as BootOverride), Buffer.from([0x00, 0x01]));
    assert.equal(store.set(9, Buffer.from([1]), () => undefined), 'unsupported');
  });

  test('serial history keeps the last bytes in order', () => {
    const h = new SerialHistory(8);
    h.append(Buffer.from('abc'));
    h.append(Buffer.from('defgh'));
    assert.equal(h.snapshot().toString(), 'abcdefgh');
    h.append(Buffer.from('ij'));
    assert.equal(h.snapshot().toString(), 'cdefghij');
    h.append(Buffer.from('0123456789'));
    assert.equal(h.snapshot().toString(), '23456789');
    h.append(Buffer.from('x'));
    assert.equal(h.snapshot().toString(), '3456789x');
  });

  test('simulated machine: a once override is used by one power-on; a persistent one stays', async () => {
    const m = new SimulatedMachine('m');
    m.setBootOverride({ device: 'pxe', persistent: false, efi: false });
    await m.powerOn();
    assert.equal(m.lastBootDevice, 'pxe');
    assert.equal(m.getBootOverride().device, 'none');
    m.setBootOverride({ device: 'disk', persistent: true, efi: false });
    await m.reset();
    await m.reset();
    assert.equal(m.lastBootDevice, 'disk');
    assert.equal(m.getBootOverride().device, 'disk');
    await m.softOff();
    assert.equal(m.power, 'off');
  });
});
