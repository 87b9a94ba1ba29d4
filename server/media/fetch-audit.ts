import type { AuditSink } from '../audit/audit-sink.ts';
import type { FetchRecord, FetchSink } from './fetch-log.ts';

/** Puts each finished media fetch on the audit record ("media.fetch", user "bmc:<address>"). */
export function auditFetchSink(audit: AuditSink): FetchSink {
  return {
    fetchEnded(r: Readonly<FetchRecord>) {
      audit.record({
        user: `bmc:${r.client}`,
        action: 'media.fetch',
        target: r.target,
        outcome: r.status < 400 ? 'ok' : 'denied',
        detail: { file: r.file, method: r.method, status: r.status, range: [r.rangeStart, r.rangeEnd], bytes: r.bytesSent, state: r.state, bytesPerSecond: r.bytesPerSecond },
      });
    },
  };
}
