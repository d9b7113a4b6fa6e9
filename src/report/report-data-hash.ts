import { createHash } from 'node:crypto';
import { canonicalJson } from '../trace/export-trace.ts';
import type { DataSection } from './types.ts';

/**
 * SHA-256 (hex) of a report's data section over its canonical JSON (keys sorted at every depth:
 * src/trace/export-trace.ts `canonicalJson`). The section holds the trace's own SHA-256, so the
 * same store and the same trace command give the same hash, and a second party can check both.
 *
 * @example
 * reportDataHash(report.data); // 'c0ffee…'
 */
export function reportDataHash(data: DataSection): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex');
}
