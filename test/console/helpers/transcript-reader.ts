import { readFileSync } from 'node:fs';
import { encodeEscaped } from '../../../server/console/utf8-escape.ts';

/** Parses rescuebox asciicast v2 files back into the output byte stream and markers. */
export interface ParsedTranscript {
  header: Record<string, unknown>;
  events: [number, string, string][];
  /** Output bytes of this file, starting at `startOffset`. */
  output: Buffer;
  startOffset: number;
  markers: string[];
}

export function readTranscript(file: string): ParsedTranscript {
  const text = readFileSync(file, 'utf8');
  // Every event ends with a newline: text after the last one is an event still being written.
  const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
  const first = events[0];
  if (!first || first[1] !== 'm' || !first[2].startsWith('rb:offset ')) throw new Error(`${file}: no rb:offset marker first`);
  const startOffset = Number(first[2].slice('rb:offset '.length));
  const output = Buffer.concat(events.filter((e) => e[1] === 'o').map((e) => encodeEscaped(e[2])));
  return { header, events, output, startOffset, markers: events.filter((e) => e[1] === 'm').map((e) => e[2]) };
}

/** Concatenated output of several consecutive files, checking their offsets line up. */
export function readTranscripts(files: string[]): { startOffset: number; output: Buffer; markers: string[] } {
  const parsed = files.map(readTranscript);
  const first = parsed[0];
  if (!first) return { startOffset: 0, output: Buffer.alloc(0), markers: [] };
  let next = first.startOffset;
  for (const p of parsed) {
    if (p.startOffset !== next) throw new Error(`transcript file starts at ${p.startOffset}, expected ${next}`);
    next += p.output.length;
  }
  return { startOffset: first.startOffset, output: Buffer.concat(parsed.map((p) => p.output)), markers: parsed.flatMap((p) => p.markers) };
}
