/**
 * Re-checks state that only polling can observe (another process's liveness,
 * a file on disk, datagrams counted elsewhere) until it holds or the deadline
 * passes. Not a sleep: it returns as soon as the condition is true.
 */
export async function pollUntil(what: string, cond: () => boolean, timeoutMs: number, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
