import type { FetchSummary } from '../media/fetch-log.ts';

const MB = 1024 * 1024;
const mb = (n: number) => (n >= 10 * MB ? String(Math.round(n / MB)) : (n / MB).toFixed(1));

/** The operator's one-liner for a file the BMC is reading: "the BMC has read 12 of 16 MB". */
export function progressText(s: FetchSummary): string {
  const rate = s.bytesPerSecond > 0 ? ` at ${mb(s.bytesPerSecond)} MB/s` : '';
  const active = s.active > 0 ? `, ${s.active} request${s.active > 1 ? 's' : ''} in progress` : '';
  return `the BMC has read ${mb(s.bytesCovered)} of ${mb(s.fileSize)} MB of ${s.file}${rate}${active}`;
}
