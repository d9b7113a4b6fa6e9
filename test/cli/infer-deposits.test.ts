import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anvil } from '../../src/chains/evm/anvil.ts';
import type { SimulateReturnType } from '../../src/simulate/simulate.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { simulatedDb } from '../helpers/simulated-db.ts';

// A simulated peel chain, synced, its services labelled but not its exchanges' deposit addresses:
// the binary infers them, stores them, and screening shows them as inferred.
const dir = makeTempDir();
const db = path.join(dir.path, 'deposits.duckdb');
const env = { env: { CHAINTRAIL_NO_REFERENCE: '1' } };
let anvil: Anvil;
let simulated: SimulateReturnType;

beforeAll(async () => {
  ({ anvil, simulated } = await simulatedDb(db, {
    scenario: 'peel-chain',
    scale: 0.3,
    depositAddresses: false,
  }));
});
afterAll(async () => {
  await anvil?.stop();
  dir.cleanup();
});

type Inference = {
  deposits: { address: string; entity: string; confidence: number; exchangeAddress: string }[];
  written: number;
  closed: number;
  importId: number | null;
};
type ScreenJson = {
  sanctioned: boolean;
  riskLevel: string;
  labels: {
    category: string;
    entity: string;
    source: string;
    confidence: number;
    inferred?: true;
  }[];
  exposure: {
    indirect: {
      direction: string;
      category: string;
      sources: { address: string; labels: { inferred?: true }[] }[];
    }[];
  };
  explanation: { fired: { rule: string; reason: string }[] };
};
const one = (json: string) => {
  const parsed = JSON.parse(json) as ScreenJson | ScreenJson[];
  return Array.isArray(parsed) ? parsed[0]! : parsed;
};

describe('chaintrail labels infer-deposits, then screen', () => {
  it('stores the inferred deposit addresses once, marked inferred, and screening says so', async () => {
    const truth = new Map(
      simulated.entities
        .filter((e) => e.category === 'deposit_wallet')
        .map((e) => [e.address.toLowerCase(), e.entity]),
    );
    const peels = simulated.truths[0]!.endpoints.filter((e) => e.category === 'deposit_wallet');
    expect(peels.length).toBeGreaterThan(0);

    const first = await runCli(['labels', 'infer-deposits', '--db', db, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const inference = JSON.parse(first.stdout) as Inference;
    // Every inferred address is a deposit address of the right exchange; every peel's is inferred.
    for (const d of inference.deposits) expect(d.entity).toBe(truth.get(d.address));
    const inferred = new Set(inference.deposits.map((d) => d.address));
    for (const p of peels) expect(inferred, p.address!).toContain(p.address!.toLowerCase());
    expect(inference.written).toBe(inference.deposits.length);
    expect(inference.closed).toBe(0);

    // A rerun finds the same and writes nothing.
    const again = await runCli(['labels', 'infer-deposits', '--db', db], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      `Inferred ${inference.deposits.length} exchange deposit addresses: the stored inference is unchanged.`,
    );
    const imports = JSON.parse(
      (await runCli(['labels', 'imports', '--db', db, '--json'], env)).stdout,
    ) as {
      format: string;
      labels: number;
    }[];
    expect(imports.filter((i) => i.format === 'inferred-deposits')).toEqual([
      expect.objectContaining({ labels: inference.deposits.length }),
    ]);

    // Screening shows the label with its source and confidence, says it is inferred, no sanction.
    const deposit = peels[0]!.address!.toLowerCase();
    const d = inference.deposits.find((x) => x.address === deposit)!;
    const table = await runCli(['screen', deposit, '--chain', 'anvil', '--db', db], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(
      `deposit_wallet ${d.entity} (inferred, confidence ${d.confidence})`,
    );
    expect(table.stdout).toMatch(
      /rule inferred-label -> low: labelled by inference from its transfers, not by a list: deposit_wallet .* \(confidence \d+ of 100\): inferred deposit address \(chaintrail, heuristic of Victor, FC 2020\): swept to 0x[0-9a-f]{40} in 0x[0-9a-f]{64}/,
    );
    const screened = one(
      (await runCli(['screen', deposit, '--chain', 'anvil', '--db', db, '--json'], env)).stdout,
    );
    expect(screened.sanctioned).toBe(false);
    expect(screened.riskLevel).toBe('low');
    expect(screened.labels).toEqual([
      {
        category: 'deposit_wallet',
        entity: d.entity,
        actor: null,
        country: null,
        source: expect.stringContaining(`swept to ${d.exchangeAddress} in 0x`),
        confidence: d.confidence,
        sanctionList: null,
        programs: [],
        validFrom: null,
        validTo: null,
        importId: expect.any(Number),
        inferred: true,
      },
    ]);

    // Exposure counts the inferred labels: the peel hop that paid the deposit address.
    const peelTx = simulated.truths[0]!.attackerAddresses.find((a) => a.role === 'collector')!;
    const exposure = one(
      (
        await runCli(
          ['screen', peelTx.address, '--chain', 'anvil', '--hops', '3', '--db', db, '--json'],
          env,
        )
      ).stdout,
    );
    const toDeposits = exposure.exposure.indirect.find(
      (e) => e.direction === 'out' && e.category === 'deposit_wallet',
    );
    expect(toDeposits?.sources.length).toBeGreaterThan(0);
    for (const s of toDeposits!.sources) expect(s.labels[0]!.inferred).toBe(true);
  });

  it('closes on a rerun the inferences a real label now covers, and touches no other label', async () => {
    const before = JSON.parse(
      (await runCli(['labels', 'infer-deposits', '--db', db, '--dry-run', '--json'], env)).stdout,
    ) as Inference;
    expect(before.importId).toBeNull();
    const target = before.deposits[0]!;
    // An investigator's list names the address: a real label wins over the inference.
    const list = path.join(dir.path, 'list.csv');
    fs.writeFileSync(list, `address,entity\n${target.address},Investigator's note\n`);
    const imported = await runCli(
      [
        'labels',
        'import',
        'csv',
        list,
        '--chain',
        'anvil',
        '--category',
        'deposit_wallet',
        '--db',
        db,
      ],
      env,
    );
    expect(imported.code, imported.stderr).toBe(0);
    const hotBefore = (
      await runCli(
        ['labels', 'show', target.exchangeAddress, '--chain', 'anvil', '--db', db, '--json'],
        env,
      )
    ).stdout;

    const rerun = JSON.parse(
      (await runCli(['labels', 'infer-deposits', '--db', db, '--json'], env)).stdout,
    ) as Inference;
    expect(rerun.deposits.length).toBe(before.deposits.length - 1);
    expect(rerun.deposits.map((d) => d.address)).not.toContain(target.address);
    expect(rerun.closed).toBe(1);
    expect(rerun.written).toBe(0);
    const shown = JSON.parse(
      (
        await runCli(
          ['labels', 'show', target.address, '--chain', 'anvil', '--db', db, '--json'],
          env,
        )
      ).stdout,
    ) as { labels: { source: string; validTo: string | null }[] };
    expect(shown.labels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: expect.stringMatching(/^inferred deposit address/),
          validTo: expect.any(String),
        }),
        expect.objectContaining({ source: 'list.csv', validTo: null }),
      ]),
    );
    expect(
      (
        await runCli(
          ['labels', 'show', target.exchangeAddress, '--chain', 'anvil', '--db', db, '--json'],
          env,
        )
      ).stdout,
    ).toBe(hotBefore);
  });

  it('says what it takes in --help and refuses a share out of range with exit 2', async () => {
    const help = await runCli(['labels', 'infer-deposits', '--help'], env);
    expect(help.stdout).toContain('--max-sweep-delay <seconds>');
    expect(help.stdout).toContain('--min-swept-share <share>');
    const bad = await runCli(
      ['labels', 'infer-deposits', '--min-swept-share', '1.5', '--db', db],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a share between 0 and 1');
  });
});
