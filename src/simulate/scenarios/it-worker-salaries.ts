import type { SimTransaction } from '../chain-driver.ts';
import type { Scenario } from '../scenario.ts';
import {
  approve,
  ETHER,
  GAS,
  internal,
  OTC_WEI_PER_UNIT,
  sendEther,
  tokenMove,
  transferToken,
  USD,
} from '../world.ts';
import { SCENARIO_DESCRIPTIONS } from '../scenario-descriptions.ts';
import type { TronTestMove } from '../tron/tron-test-chain.ts';
import { TRC20_TRANSFER_FEE_SUN, TRX } from '../tron/tron-world.ts';

/** Companies that unknowingly employ the workers, per unit of scale. */
const EMPLOYERS = 6;
/** Workers paid, per unit of scale. */
const WORKERS = 24;
/** Addresses the salaries are pooled at. */
const CONSOLIDATORS = 3;
/** Monthly pay cycles played. */
const MONTHS = 4;
/** Salary range per month, in whole stablecoin units (a scenario setting). */
const SALARY_USD = [3_000, 9_000] as const;
/** Ether each worker gets from the facilitator to pay gas. */
const GAS_MONEY = ETHER / 20n;
const START_TIME = Date.UTC(2024, 0, 31, 9, 0, 0) / 1000;
const MONTH_SECONDS = 30 * 86_400;
/** TRX each Tron account starts with for fees (a TRC-20 transfer burns about 14 TRX). */
const TRON_FEE_MONEY = 1_000n * TRX;

/**
 * it-worker-salaries: employers pay many small stablecoin salaries to workers hired under false
 * identities; the workers forward them to a few consolidation addresses, which sell them to an OTC
 * broker. Before the last sale the issuer blacklists one consolidator: its sale fails and the funds
 * stay frozen.
 */
export const itWorkerSalaries: Scenario = {
  name: 'it-worker-salaries',
  description: SCENARIO_DESCRIPTIONS['it-worker-salaries'],
  startTime: START_TIME,
  tronDescription:
    'On Tron the same payroll runs in sUSDT-TRC20 (fees burned in TRX): salaries, forwarding to three consolidators, sales to an OTC desk, and the issuer blacklisting one consolidator before its last sale.',
  trackedAssets: (world) => [world.stablecoin],
  async tron(ctx) {
    const { world, truth, random } = ctx;
    const scale = (n: number) => Math.max(1, Math.round(n * ctx.scale));
    const employers = Array.from({ length: scale(EMPLOYERS) }, (_, i) =>
      world.account(`employer/${i}`),
    );
    const workers = Array.from({ length: scale(WORKERS) }, (_, i) => world.account(`worker/${i}`));
    const consolidators = Array.from({ length: CONSOLIDATORS }, (_, i) =>
      world.account(`consolidator/${i}`),
    );
    for (const a of [...employers, ...workers, ...consolidators]) world.fund(a, TRON_FEE_MONEY);
    const frozen = consolidators[CONSOLIDATORS - 1]!;
    for (const w of workers) truth.attacker(w, 'worker');
    for (const c of consolidators)
      truth.attacker(
        c,
        'consolidator',
        c === frozen ? { category: 'frozen', entity: 'sUSDT issuer freeze' } : undefined,
      );
    const employerOf = workers.map(() => random.pick(employers));
    const consolidatorOf = workers.map((_, i) => consolidators[i % CONSOLIDATORS]!);
    const payroll = 2n * BigInt(SALARY_USD[1]) * USD * BigInt(workers.length * MONTHS);
    const coin = world.stablecoin;
    world.step(
      employers.map((e) => ({
        type: 'mint',
        from: world.issuer,
        token: coin,
        to: e,
        amount: payroll / BigInt(employers.length),
      })),
    );
    const trc20 = (from: string, to: string, amount: bigint): TronTestMove => ({
      type: 'trc20',
      from,
      token: coin,
      to,
      amount,
      fee: TRC20_TRANSFER_FEE_SUN,
    });
    for (let month = 0; month < MONTHS; month++) {
      const salaries = workers.map(() => BigInt(random.int(SALARY_USD[0], SALARY_USD[1])) * USD);
      const paid = world.step(
        workers.map((w, i) => trc20(employerOf[i]!, w, salaries[i]!)),
        MONTH_SECONDS,
      );
      paid.forEach((txid) => truth.theft(txid));
      salaries.forEach((s) => truth.stolen(coin, s));
      world.step(
        workers.map((w, i) => trc20(w, consolidatorOf[i]!, world.balance(w, coin))),
        3600,
      );
      const last = month === MONTHS - 1;
      // The issuer's freeze (its call's fee is not the payroll's concern: it holds no TRX here).
      if (last)
        world.step([{ type: 'blacklist', from: world.issuer, token: coin, account: frozen }]);
      const sales = consolidators.map((c) => {
        const amount = world.balance(c, coin);
        if (!(last && c === frozen))
          truth.endpoint({
            address: world.otc,
            category: 'otc',
            entity: 'Simulated OTC Desk (Tron)',
            asset: coin,
            amount,
          });
        return trc20(c, world.otc, amount);
      });
      world.step(sales, 86_400);
    }
  },
  async play(ctx) {
    const { world, truth, random } = ctx;
    const label = (s: string) => `it-workers/${s}`;
    const count = (n: number) => Math.max(1, Math.round(n * world.scale));
    const employers = Array.from({ length: count(EMPLOYERS) }, (_, i) =>
      world.account(label(`employer/${i}`)),
    );
    const workers = Array.from({ length: count(WORKERS) }, (_, i) =>
      world.account(label(`worker/${i}`)),
    );
    const consolidators = Array.from({ length: CONSOLIDATORS }, (_, i) =>
      world.account(label(`consolidator/${i}`)),
    );
    const facilitator = world.account(label('facilitator'));
    truth.attacker(facilitator, 'facilitator', false);
    for (const w of workers) truth.attacker(w, 'worker');
    for (const c of consolidators) truth.attacker(c, 'consolidator');
    const employerOf = workers.map(() => random.pick(employers));
    const consolidatorOf = workers.map((_, i) => consolidators[i % CONSOLIDATORS]!);
    const payroll = 2n * BigInt(SALARY_USD[1]) * USD * BigInt(workers.length * MONTHS);
    for (const e of employers) await world.driver.fund(e, ETHER);
    await world.driver.fund(facilitator, ETHER * BigInt(workers.length + CONSOLIDATORS));
    // The OTC desk needs enough ether to buy every salary.
    await world.driver.fund(world.otc, payroll * OTC_WEI_PER_UNIT);
    await ctx.step([
      ...employers.map((e) => ({
        from: world.deployer,
        to: world.stablecoin,
        data: world.encode('Erc20', 'mint', [e.address, payroll / BigInt(employers.length)]),
        gas: GAS.call,
        movements: [
          tokenMove(world.stablecoin, ZERO, e.address, payroll / BigInt(employers.length)),
        ],
      })),
      ...[...workers, ...consolidators].map((w) => sendEther(facilitator, w.address, GAS_MONEY)),
    ]);
    await ctx.step(consolidators.map((c) => approve(world, c, world.stablecoin, world.otc)));

    const frozen = consolidators[CONSOLIDATORS - 1]!;
    for (let month = 0; month < MONTHS; month++) {
      ctx.waitUntil(START_TIME + (month + 1) * MONTH_SECONDS);
      const salaries = workers.map(() => BigInt(random.int(SALARY_USD[0], SALARY_USD[1])) * USD);
      const paid = await ctx.step(
        workers.map((w, i) =>
          transferToken(employerOf[i]!, world.stablecoin, w.address, salaries[i]!, world.encode),
        ),
      );
      paid.forEach((p, i) => truth.theft(p.hash, employerOf[i]!.address));
      salaries.forEach((s) => truth.stolen(world.stablecoin, s));
      await ctx.step(
        workers.map((w, i) =>
          transferToken(
            w,
            world.stablecoin,
            consolidatorOf[i]!.address,
            world.driver.balance(w.address, world.stablecoin),
            world.encode,
          ),
        ),
        { seconds: 3600 },
      );
      const last = month === MONTHS - 1;
      if (last) {
        await ctx.step([
          {
            from: world.deployer,
            to: world.stablecoin,
            data: world.encode('Stablecoin', 'addBlackList', [frozen.address]),
            gas: GAS.call,
            movements: [],
          },
        ]);
      }
      const sales: SimTransaction[] = consolidators.map((c) => {
        const amount = world.driver.balance(c.address, world.stablecoin);
        const blocked = last && c === frozen;
        if (!blocked)
          truth.endpoint({
            address: world.otc,
            category: 'otc',
            entity: 'Simulated OTC Desk',
            asset: world.stablecoin,
            amount,
          });
        return {
          from: c,
          to: world.otc,
          data: world.encode('OtcDesk', 'sell', [amount]),
          gas: GAS.call,
          expectRevert: blocked,
          movements: blocked
            ? []
            : [
                tokenMove(world.stablecoin, c.address, world.otc, amount),
                internal(world.otc, c.address, amount * OTC_WEI_PER_UNIT),
              ],
        };
      });
      await ctx.step(sales, { seconds: 86_400 });
    }
    // What the blacklisted consolidator holds is frozen by the issuer, not merely unspent.
    truth.holding(frozen.address, 'frozen', 'sUSDT issuer freeze');
  },
};

const ZERO = '0x0000000000000000000000000000000000000000';
