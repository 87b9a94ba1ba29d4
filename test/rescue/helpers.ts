/** Shared fixtures of the rescue-image tests: built artefacts, an image server, disks. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, openSync, closeSync, ftruncateSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vm } from './qemu-runner.ts';

export const dist = fileURLToPath(new URL('../../rescue-image/dist/', import.meta.url));
/** The installer's shell sources (rescue-image/installer/), with a trailing slash. */
export const installerDir = fileURLToPath(new URL('../../rescue-image/installer/', import.meta.url));
export const iso = join(dist, 'rescuebox-rescue.iso');
export const kernel = join(dist, 'vmlinuz');
export const initrd = join(dist, 'initrd-rescue.img');
export const KERNEL_APPEND = 'console=ttyS0,115200 quiet loglevel=3 panic=10';

/** Fails with a clear message when the build has not run (tests never build); `extra`: more files in dist/. */
export function requireBuilt(...extra: string[]): void {
  for (const f of [iso, kernel, initrd, ...['system-v1.img', 'system-v2.img', 'system-broken.img', ...extra].map((n) => join(dist, n))]) {
    if (!existsSync(f)) {
      throw new Error(`${f} is missing: build the rescue image first (npm run build:rescue, or npm run setup)`);
    }
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rb-${prefix}-`));
}
export function removeDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
}

/**
 * Runs `script` on the host's busybox sh (the same busybox-static the initramfs
 * carries) after sourcing the named installer files (`common` for common.sh), with
 * only PATH and `env` in the environment; returns its stdout.
 */
export function installerSh(files: string[], script: string, env: Record<string, string> = {}): string {
  const sources = files.map((f) => `. ${installerDir}${f}.sh; `).join('');
  return execFileSync('busybox', ['sh', '-c', `${sources}${script}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
}

/** A sparse raw disk of `mib` MiB. */
export function makeDisk(path: string, mib: number): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, mib * 1024 * 1024);
  closeSync(fd);
  return path;
}

/** A disk holding deterministic non-zero content (a "foreign" disk that must stay untouched). */
export function makeForeignDisk(path: string, mib: number): string {
  makeDisk(path, mib);
  const fd = openSync(path, 'r+');
  const block = Buffer.alloc(65536);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
  for (let off = 0; off < 4 * 1024 * 1024; off += block.length) writeSync(fd, block, 0, block.length, off);
  closeSync(fd);
  return path;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

/** Serves rescue-image/dist read-only on 127.0.0.1; guests reach it as 10.0.2.2:port. */
export interface ImageServer {
  port: number;
  url(name: string): string;
  close(): Promise<void>;
}
export async function serveDist(extra: Record<string, string | Buffer> = {}): Promise<ImageServer> {
  const server: Server = createServer((req, res) => {
    const name = basename(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    const body = extra[name];
    if (body !== undefined) {
      res.writeHead(200, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/octet-stream' }).end(body);
      return;
    }
    const file = join(dist, name);
    if (!name || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (name) => `http://10.0.2.2:${port}/${name}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function manifestVersion(name: string): string {
  return (JSON.parse(readFileSync(join(dist, name.replace(/\.img$/, '.json')), 'utf8')) as { version: string }).version;
}

/**
 * The installed system's "up" line (docs/installer-protocol.md). The uptime field that
 * follows health is part of the pattern so a line still arriving on the serial console
 * ("health=o") never matches; the line has no newline of its own before the login prompt.
 */
export const SYSTEM_UP = /RB-STEP system up slot=([AB]) version=(\S+) health=(\S+) \d+(?:\.\d+)?s/;

/** Waits for the installed system's "up" line and checks it names the expected slot. */
export async function expectSystemUp(vm: Vm, slot: 'A' | 'B', version: string, timeoutMs = 300_000): Promise<void> {
  const m = await vm.expect(SYSTEM_UP, timeoutMs);
  if (m[1] !== slot || m[2] !== version || m[3] !== 'ok') {
    throw new Error(`expected slot ${slot} version ${version} healthy, got: ${m[0]}`);
  }
  await vm.expect('login: root', 60_000);
}
