import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import { readMfTracerCase } from './read-mftracer-case.ts';
import { scoreAgainstGroundTruth } from './score.ts';

const HEADER = 'Timestamp,Block,Tx_hash,From,From_label,To,To_label,Value_in_USD';
const upper = (a: string) => `0x${a.slice(2).toUpperCase()}`;

describe('readMfTracerCase', () => {
  let dir: ReturnType<typeof makeTempDir> | null = null;
  afterEach(() => dir?.cleanup());

  /** A case folder in MFTracer's layout (no header in the address lists, no final newline). */
  function writeCase(edgeRows: string[]): string {
    dir = makeTempDir();
    const caseDir = path.join(dir.path, 'fixture');
    fs.mkdirSync(caseDir);
    fs.writeFileSync(path.join(caseDir, 'source addresses.csv'), FIXTURE.exploiter);
    fs.writeFileSync(
      path.join(caseDir, 'terminal addresses.csv'),
      `${upper(FIXTURE.thorRouter)}\n${FIXTURE.deposit}\n`,
    );
    fs.writeFileSync(path.join(caseDir, 'fixture.csv'), [HEADER, ...edgeRows].join('\n'));
    return caseDir;
  }

  it('reads sources, terminals and edges canonical, ready to score a trace', () => {
    const trace = handBuiltTrace();
    const tx = trace.edges.find((e) => e.to === `anvil:${FIXTURE.split2}`)!.txHash;
    const c = readMfTracerCase(
      writeCase([
        `2023-11-14 22:13:32,12,${tx},${FIXTURE.exploiter},,${upper(FIXTURE.split2)},"transit, 2",1234.5`,
      ]),
    );
    expect(c.name).toBe('fixture');
    expect(c.sources).toEqual([FIXTURE.exploiter]);
    expect(c.terminals).toEqual(new Set([FIXTURE.thorRouter, FIXTURE.deposit]));
    expect(c.edges).toEqual([
      { txHash: tx, from: FIXTURE.exploiter, to: FIXTURE.split2, valueUsd: 1234.5 },
    ]);
    const score = scoreAgainstGroundTruth(trace, c);
    expect(score.terminalRecall).toBe(1);
    expect(score.edgeRecall).toBe(1);
  });

  it('names the file and line of a bad address', () => {
    const caseDir = writeCase([
      `2023-11-14 22:13:32,12,0x${'ab'.repeat(32)},${FIXTURE.exploiter},,0x1234,,1`,
    ]);
    expect(() => readMfTracerCase(caseDir)).toThrow(/fixture\.csv:2: /);
  });
});
