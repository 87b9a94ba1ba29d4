import type { TargetSummary } from '../wire.ts';
import type { StoredTarget } from './target-repo.ts';

/**
 * GET /api/targets: stored targets joined with the console hub's live state,
 * plus live targets that come from configuration rather than the store.
 */
export function mergeSummaries(stored: readonly StoredTarget[], live: readonly TargetSummary[]): TargetSummary[] {
  const liveById = new Map(live.map((t) => [t.id, t]));
  const out: TargetSummary[] = stored.map((s) => {
    const l = liveById.get(s.id);
    liveById.delete(s.id);
    return {
      id: s.id,
      name: s.name,
      tags: s.tags,
      console: l?.console ?? { kind: s.console.transport, state: 'idle', description: s.console.host ? `${s.console.transport} ${s.console.host}` : s.console.transport },
      ...(l?.power !== undefined ? { power: l.power } : {}),
    };
  });
  return [...out, ...liveById.values()].sort((a, b) => a.id.localeCompare(b.id));
}
