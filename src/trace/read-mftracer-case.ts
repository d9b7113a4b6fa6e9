import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors/base.ts';
import { normalizeAddress } from '../model/address.ts';
import type { GroundTruthEdge } from './score.ts';

/** One case of the MFTracer ground truth (AnonymousMFTracer/Ground-Truth, Ethereum). */
export type MfTracerCase = {
  name: string;
  /** Victim addresses the illicit value left from (where a forward trace starts). */
  sources: string[];
  /** Where the illicit money ended (exchanges, bridges, mixers, …). */
  terminals: Set<string>;
  /** Hand-verified transfers of the flow, with their USD value. */
  edges: GroundTruthEdge[];
};

function readAddressList(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const out: string[] = [];
  lines.forEach((line, i) => {
    const text = line.trim();
    if (text === '') return;
    try {
      out.push(normalizeAddress('ethereum', text));
    } catch (e) {
      throw new UserError(`${file}:${i + 1}: ${(e as Error).message}`, {
        code: 'GROUND_TRUTH_BAD_FILE',
      });
    }
  });
  return out;
}

/**
 * Reads one MFTracer case folder: `source addresses.csv` and `terminal addresses.csv` (one address a
 * line, no header) and `<case>.csv` (`Timestamp,Block,Tx_hash,From,From_label,To,To_label,Value_in_USD`).
 * Addresses come back canonical (lowercase); a bad row throws a UserError naming file and line.
 *
 * @example
 * const c = readMfTracerCase('/work/shared/data/tracing-ground-truth/AnonymousMFTracer-Ground-Truth/54m');
 * scoreAgainstGroundTruth(result, { terminals: c.terminals, edges: c.edges });
 */
export function readMfTracerCase(dir: string): MfTracerCase {
  const name = path.basename(path.resolve(dir));
  const edgesFile = path.join(dir, `${name}.csv`);
  for (const f of ['source addresses.csv', 'terminal addresses.csv', `${name}.csv`])
    if (!fs.existsSync(path.join(dir, f)))
      throw new UserError(`${path.join(dir, f)}: missing (not an MFTracer case folder)`, {
        code: 'GROUND_TRUTH_BAD_FILE',
      });
  const rows = parse(fs.readFileSync(edgesFile, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  const edges = rows.map((r, i): GroundTruthEdge => {
    const where = `${edgesFile}:${i + 2}`;
    const txHash = (r.Tx_hash ?? '').trim().toLowerCase();
    const valueUsd = Number(r.Value_in_USD);
    if (!/^0x[0-9a-f]{64}$/.test(txHash) || !Number.isFinite(valueUsd))
      throw new UserError(`${where}: expected a Tx_hash and a numeric Value_in_USD`, {
        code: 'GROUND_TRUTH_BAD_FILE',
      });
    try {
      return {
        txHash,
        from: normalizeAddress('ethereum', r.From ?? ''),
        to: normalizeAddress('ethereum', r.To ?? ''),
        valueUsd,
      };
    } catch (e) {
      throw new UserError(`${where}: ${(e as Error).message}`, { code: 'GROUND_TRUTH_BAD_FILE' });
    }
  });
  return {
    name,
    sources: readAddressList(path.join(dir, 'source addresses.csv')),
    terminals: new Set(readAddressList(path.join(dir, 'terminal addresses.csv'))),
    edges,
  };
}
