import fs from 'node:fs';
import { UserError } from '../errors/base.ts';
import { TAINT_POLICIES } from '../trace/taint-policies.ts';
import type { TraceResult } from '../trace/types.ts';

export type ReadTraceFileReturnType = TraceResult;

const isArray = Array.isArray;
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !isArray(v);

/**
 * What is wrong with a parsed trace result, or null: the fields a report reads, with their types
 * (`chaintrail trace --json` and `--format json` write them).
 */
function problemOf(value: unknown): string | null {
  if (!isObject(value)) return 'it is not a JSON object';
  const p = value.parameters;
  if (!isObject(p)) return 'it has no `parameters`';
  if (!isArray(p.seeds) || !p.seeds.every((s) => isObject(s) && typeof s.chain === 'string'))
    return '`parameters.seeds` is not a list of seeds';
  if (p.direction !== 'forward' && p.direction !== 'backward')
    return '`parameters.direction` is neither forward nor backward';
  if (!(TAINT_POLICIES as readonly unknown[]).includes(p.policy))
    return `\`parameters.policy\` is not one of ${TAINT_POLICIES.join(', ')}`;
  for (const list of ['endpoints', 'nodes', 'edges'] as const)
    if (!isArray(value[list]) || !value[list].every(isObject)) return `\`${list}\` is not a list`;
  const endpoints = value.endpoints as Record<string, unknown>[];
  const bad = endpoints.findIndex(
    (e) =>
      typeof e.chain !== 'string' ||
      typeof e.address !== 'string' ||
      typeof e.amount !== 'string' ||
      typeof e.share !== 'number' ||
      !isArray(e.paths),
  );
  if (bad >= 0) return `endpoint ${bad} lacks chain, address, amount, share or paths`;
  const edges = value.edges as Record<string, unknown>[];
  const badEdge = edges.findIndex(
    (e) =>
      typeof e.txHash !== 'string' ||
      typeof e.amount !== 'string' ||
      typeof e.tainted !== 'string' ||
      typeof e.time !== 'number',
  );
  if (badEdge >= 0) return `edge ${badEdge} lacks txHash, amount, tainted or time`;
  const s = value.summary;
  if (!isObject(s) || !isArray(s.seedValue) || typeof s.traced !== 'number')
    return '`summary` lacks seedValue or traced';
  if (typeof s.untraced !== 'number' || !isObject(s.untracedBy))
    return '`summary` lacks untraced or untracedBy';
  return null;
}

/**
 * Reads a trace result from a file `chaintrail trace --json` (or `--format json --out`) wrote, and
 * checks it has what a report reads. A missing file, JSON that does not parse, or another document
 * is an error naming the file and what is wrong.
 *
 * @example
 * const trace = readTraceFile('trace.json');
 */
export function readTraceFile(file: string): ReadTraceFileReturnType {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `No such trace file: ${file}`
        : `Cannot read the trace file ${file}: ${(error as Error).message}`,
      { code: 'FILE_NOT_FOUND', cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not JSON: ${(error as Error).message}`, {
      code: 'REPORT_BAD_TRACE',
      details: 'Give the output of `chaintrail trace … --json` (or `--format json --out FILE`).',
      cause: error,
    });
  }
  const problem = problemOf(value);
  if (problem)
    throw new UserError(`${file} is not a trace result: ${problem}`, {
      code: 'REPORT_BAD_TRACE',
      details: 'Give the output of `chaintrail trace … --json` (or `--format json --out FILE`).',
    });
  return value as TraceResult;
}
