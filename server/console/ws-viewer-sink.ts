import type { WebSocket } from 'ws';
import { FRAME_OUTPUT, FRAME_SNAPSHOT, encodeOffsetFrame, type ServerControl } from '../wire.ts';
import type { ViewerSink } from './viewer-sink.ts';

/**
 * Delivers to one browser over the raw `ws` socket. Queued bytes are counted
 * from send() until its completion callback (data handed to the kernel), so a
 * client that stops reading makes the count grow and the session stops
 * sending it live data; `onDrained` fires once the count falls to a quarter
 * of the high-water mark.
 */
/** The session hands the same chunk to every viewer: encode its frame once, not once per viewer. */
const outputFrames = new WeakMap<Buffer, { offset: number; frame: Uint8Array }>();

function outputFrame(offset: number, bytes: Buffer): Uint8Array {
  const hit = outputFrames.get(bytes);
  if (hit && hit.offset === offset) return hit.frame;
  const frame = encodeOffsetFrame(FRAME_OUTPUT, offset, bytes);
  outputFrames.set(bytes, { offset, frame });
  return frame;
}

export class WsViewerSink implements ViewerSink {
  private readonly ws: WebSocket;
  private readonly lowWater: number;
  private queued = 0;
  onDrained: () => void = () => undefined;

  constructor(ws: WebSocket, highWaterBytes: number) {
    this.ws = ws;
    this.lowWater = Math.floor(highWaterBytes / 4);
  }

  queuedBytes(): number {
    return this.queued;
  }

  output(offset: number, bytes: Buffer): void {
    this.send(outputFrame(offset, bytes));
  }

  snapshot(offset: number, screen: string): void {
    this.send(encodeOffsetFrame(FRAME_SNAPSHOT, offset, Buffer.from(screen, 'utf8')));
  }

  control(msg: ServerControl): void {
    this.send(JSON.stringify(msg));
    // 'closed' is terminal (the console was removed): nothing more will come.
    if (msg.t === 'conn' && msg.state === 'closed') this.ws.close(1001, 'console closed');
  }

  private send(data: Uint8Array | string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const n = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.queued += n;
    this.ws.send(data, { binary: typeof data !== 'string' }, () => {
      this.queued -= n;
      if (this.queued <= this.lowWater) this.onDrained();
    });
  }
}
