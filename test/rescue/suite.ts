/** The set-up every rescue-image suite shares, registered as its first before/after hooks. */
import { after, before } from 'node:test';
import { join } from 'node:path';
import { Vm } from './qemu-runner.ts';
import type { VmOptions } from './qemu-runner.ts';
import { removeDir, requireBuilt, serveDist, tempDir } from './helpers.ts';
import type { ImageServer } from './helpers.ts';

export interface RescueSuite {
  /** The suite's temp dir (disks, VM logs); removed after the suite. */
  readonly dir: string;
  /** rescue-image/dist over HTTP, plus the suite's extra files. */
  readonly srv: ImageServer;
  /** Starts a VM logging to <dir>/<name>.log; killed after the suite. */
  vm(o: Omit<VmOptions, 'dir'>, name: string): Vm;
  /** A VM started elsewhere (powercut.ts) that must be killed after the suite too. */
  track(vm: Vm): void;
}

/**
 * Checks the built artefacts (plus `images` from dist/), makes a temp dir and starts the image
 * server (with `serve()`'s extra files, computed once the build is known to be there); after the
 * suite kills every VM it knows, closes the server and removes the dir.
 */
export function rescueSuite(prefix: string, o: { images?: string[]; serve?: () => Record<string, string | Buffer> } = {}): RescueSuite {
  let dir = '';
  let srv: ImageServer | undefined;
  const vms: Vm[] = [];
  before(async () => {
    requireBuilt(...(o.images ?? []));
    dir = tempDir(prefix);
    srv = await serveDist(o.serve?.() ?? {});
  });
  after(async () => {
    for (const vm of vms) await vm.kill();
    await srv?.close();
    if (dir) removeDir(dir);
  });
  return {
    get dir() {
      return dir;
    },
    get srv() {
      if (!srv) throw new Error('rescue suite used before its set-up ran');
      return srv;
    },
    vm(opts, name) {
      const vm = new Vm({ ...opts, dir }, join(dir, `${name}.log`));
      vms.push(vm);
      return vm;
    },
    track(vm) {
      vms.push(vm);
    },
  };
}
