/**
 * The installer's GPT and UEFI boot entry writers (installer/gpt.sh, efiboot.sh) run on the
 * host's busybox (the same busybox-static the initramfs carries) against a plain file and a
 * directory standing in for efivarfs; util-linux's sfdisk, which nobody here wrote, judges the
 * table. The machine tests (bios-install, uefi-ab) prove the same code on real firmware.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installerSh, makeDisk, removeDir, tempDir } from './helpers.ts';

const GLOBAL = '8be4df61-93ca-11d2-aa0d-00e098032b8c';

const sh = (script: string, env: Record<string, string>): string => installerSh(['common', 'gpt', 'efiboot'], script, env);

/** On-disk GUID hex (first three fields little endian) as the textual form sfdisk prints. */
function guidText(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  const le = (o: number, n: number): string => Buffer.from(b.subarray(o, o + n)).reverse().toString('hex');
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${b.subarray(8, 10).toString('hex')}-${b.subarray(10).toString('hex')}`.toUpperCase();
}

function utf16z(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf16le');
}

describe('installer GPT and UEFI boot entry writers (busybox sh)', () => {
  let dir = '';
  let env: Record<string, string> = {};
  before(() => {
    dir = tempDir('gptsh');
    mkdirSync(join(dir, 'sys/disk/queue'), { recursive: true });
    writeFileSync(join(dir, 'sys/disk/queue/logical_block_size'), '512\n');
    writeFileSync(join(dir, 'sys/disk/size'), `${512 * 2048}\n`);
    mkdirSync(join(dir, 'dev'));
    makeDisk(join(dir, 'dev/disk'), 512);
    mkdirSync(join(dir, 'efivars'));
    mkdirSync(join(dir, 'tmp'));
    env = { GPT_SYS: join(dir, 'sys'), GPT_DEV: join(dir, 'dev'), EFIVARS: join(dir, 'efivars'), TMPDIR: join(dir, 'tmp') };
  });
  after(() => removeDir(dir));

  it('converts GUIDs to their on-disk order', () => {
    assert.equal(sh('gpt_guid "$GPT_ESP_TYPE"; echo $GPT_GUID', env).trim(), '28732AC11FF8D211BA4B00A0C93EC93B');
    assert.equal(guidText('28732AC11FF8D211BA4B00A0C93EC93B'), 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B');
  });

  it('writes a table sfdisk verifies, with the asked partitions, names and random v4 GUIDs', () => {
    sh(
      `gpt_guid "$GPT_LINUX_TYPE"; lin=$GPT_GUID; gpt_guid "$GPT_ESP_TYPE"; esp=$GPT_GUID; gpt_guid "$GPT_BIOS_TYPE"
gpt_write disk "4096 135167 $esp rb-esp-0badcafe
135168 362495 $lin rb-A-0badcafe
362496 589823 $lin rb-B-0badcafe
589824 1042431 $lin rb-data-0badcafe
2048 4095 $GPT_GUID rb-bios-0badcafe"`,
      env,
    );
    const disk = join(dir, 'dev/disk');
    const verify = execFileSync('sfdisk', ['--verify', disk], { encoding: 'utf8' });
    assert.match(verify, /No errors detected/);
    const t = (JSON.parse(execFileSync('sfdisk', ['--json', disk], { encoding: 'utf8' })) as {
      partitiontable: { label: string; id: string; firstlba: number; lastlba: number; partitions: { start: number; size: number; type: string; uuid: string; name: string }[] };
    }).partitiontable;
    assert.equal(t.label, 'gpt');
    assert.equal(t.firstlba, 34);
    assert.equal(t.lastlba, 512 * 2048 - 34);
    assert.deepEqual(
      t.partitions.map((p) => [p.start, p.size, p.type, p.name]),
      [
        [4096, 131072, 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 'rb-esp-0badcafe'],
        [135168, 227328, '0FC63DAF-8483-4772-8E79-3D69D8477DE4', 'rb-A-0badcafe'],
        [362496, 227328, '0FC63DAF-8483-4772-8E79-3D69D8477DE4', 'rb-B-0badcafe'],
        [589824, 452608, '0FC63DAF-8483-4772-8E79-3D69D8477DE4', 'rb-data-0badcafe'],
        [2048, 2048, '21686148-6449-6E6F-744E-656564454649', 'rb-bios-0badcafe'],
      ],
    );
    const guids = [t.id, ...t.partitions.map((p) => p.uuid)];
    assert.equal(new Set(guids).size, 6);
    for (const g of guids) assert.match(g, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    // the entry as efiboot reads it back
    const [guid, start, size] = sh('gpt_entry disk 1 && echo "$GPT_E_GUID $GPT_E_START $GPT_E_SIZE"', env).trim().split(' ');
    assert.equal(guidText(guid ?? ''), t.partitions[0]?.uuid);
    assert.deepEqual([Number(start), Number(size)], [4096, 131072]);
  });

  it('refuses a partition outside the usable LBAs, naming it', () => {
    assert.throws(
      () => sh('gpt_guid "$GPT_LINUX_TYPE"; gpt_write disk "8 4095 $GPT_GUID rb-x-1"', env),
      (e: Error & { stdout?: string }) => /partition rb-x-1 \(8\.\.4095\) outside 34\.\.1048542/.test(e.stdout ?? ''),
    );
  });

  it('builds the EFI_LOAD_OPTION: HD(1,GPT,guid,start,size)/\\EFI\\BOOT\\BOOTX64.EFI', () => {
    const guid = '0123456789ABCDEF0123456789ABCDEF';
    sh(`e_load_option 4096 131072 ${guid}; gpt_file "$TMPDIR/opt" "$E"`, env);
    const b = readFileSync(join(dir, 'tmp/opt'));
    const desc = utf16z('rescuebox');
    const file = utf16z('\\EFI\\BOOT\\BOOTX64.EFI');
    assert.equal(b.readUInt32LE(0), 1); // LOAD_OPTION_ACTIVE
    const fpLen = b.readUInt16LE(4);
    assert.deepEqual(b.subarray(6, 6 + desc.length), desc);
    const dp = b.subarray(6 + desc.length);
    assert.equal(dp.length, fpLen);
    assert.deepEqual([dp[0], dp[1], dp.readUInt16LE(2)], [4, 1, 42]); // media device path, hard drive
    assert.equal(dp.readUInt32LE(4), 1);
    assert.equal(dp.readBigUInt64LE(8), 4096n);
    assert.equal(dp.readBigUInt64LE(16), 131072n);
    assert.equal(dp.subarray(24, 40).toString('hex').toUpperCase(), guid);
    assert.deepEqual([dp[40], dp[41]], [2, 2]); // GPT, GUID signature
    assert.deepEqual([dp[42], dp[43], dp.readUInt16LE(44)], [4, 4, 4 + file.length]);
    assert.deepEqual(dp.subarray(46, 46 + file.length), file);
    assert.deepEqual([...dp.subarray(46 + file.length)], [0x7f, 0xff, 4, 0]);
  });

  it('finds entries by label and reads BootOrder from efivarfs files', () => {
    const v = (name: string, body: Buffer): void => writeFileSync(join(dir, 'efivars', `${name}-${GLOBAL}`), Buffer.concat([Buffer.from([7, 0, 0, 0]), body]));
    const option = (label: string): Buffer => {
      const head = Buffer.alloc(6);
      head.writeUInt32LE(1, 0);
      head.writeUInt16LE(4, 4);
      return Buffer.concat([head, utf16z(label), Buffer.from([0x7f, 0xff, 4, 0])]);
    };
    v('Boot0000', option('UiApp'));
    v('Boot0003', option('rescuebox'));
    v('Boot000A', option('rescuebox-old')); // a longer label is not ours
    v('BootOrder', Buffer.from([0x03, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x07, 0x01]));
    const out = sh('efi_entries; echo "found:$EFI_FOUND"; efi_boot_order; echo "order:$EFI_ORDER"', env);
    assert.match(out, /^found: 0003$/m);
    assert.match(out, /^order: 0003 0000 000A 0107$/m);
  });
});
