import { sql as m001 } from './001-initial.ts';

/** Ordered schema steps; a step's number is its position + 1 (PRAGMA user_version). */
export const MIGRATIONS: readonly string[] = [m001];
