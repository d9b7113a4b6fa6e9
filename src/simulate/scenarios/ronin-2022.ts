import type { Hex } from 'viem';
import { keccak256, stringToBytes } from 'viem';
import { NATIVE_ASSET } from '../../model/asset.ts';
import type { SimTransaction } from '../chain-driver.ts';
import type { Scenario } from '../scenario.ts';
import {
  approveRouter,
  ETHER,
  GAS,
  internal,
  MIXER_DENOMINATION,
  native,
  sendEther,
  spendable,
  swapTokenForEther,
  takeDepositWallet,
  tokenMove,
  USD,
} from '../world.ts';
import { deployMultisig, multisigExecute } from './multisig.ts';
import { SCENARIO_DESCRIPTIONS } from '../scenario-descriptions.ts';

/**
 * Reported Ronin bridge theft of 2022-03-23 (FIGURES.md §4: 173,600 ETH + 25.5 M USDC), divided
 * like bybit-2025's amounts. The simulator's one stablecoin stands in for USDC.
 */
const AMOUNT_DIVISOR = 1000n;
const STOLEN_ETH = (173_600n * ETHER) / AMOUNT_DIVISOR;
const STOLEN_STABLE = (25_500_000n * USD) / AMOUNT_DIVISOR;
/** Ronin's bridge was a 5-of-9 validator multisig; the attacker held five keys. */
const VALIDATORS = 9;
const THRESHOLD = 5;
/** Hops between the exploiter and the mixer. */
const INTERMEDIATES = 4;
/** What the mixer's relayer keeps per withdrawal. */
const RELAYER_FEE = ETHER / 20n;
const THEFT_TIME = Date.UTC(2022, 2, 23, 12, 0, 0) / 1000;

/**
 * ronin-2022: a bridge multisig drained with stolen validator keys; the stablecoin swapped to ETH;
 * the ETH moved through a few addresses into a fixed-denomination mixer, a little to exchanges; the
 * mixer later pays out to fresh addresses.
 */
export const ronin2022: Scenario = {
  name: 'ronin-2022',
  description: SCENARIO_DESCRIPTIONS['ronin-2022'],
  startTime: THEFT_TIME - 3600,
  trackedAssets: (world) => [NATIVE_ASSET, world.stablecoin],
  async play(ctx) {
    const { world, truth, random } = ctx;
    const label = (s: string) => `ronin/${s}`;
    const validators = Array.from({ length: VALIDATORS }, (_, i) =>
      world.account(label(`validator/${i}`)),
    );
    for (const v of validators) await world.driver.fund(v, ETHER);
    const depositors = world.account(label('bridge-depositors'));
    await world.driver.fund(depositors, STOLEN_ETH + ETHER);
    const bridge = await deployMultisig(ctx, validators, THRESHOLD);
    await ctx.step([
      sendEther(depositors, bridge, STOLEN_ETH, true),
      {
        from: world.deployer,
        to: world.stablecoin,
        data: world.encode('Erc20', 'mint', [bridge, STOLEN_STABLE]),
        gas: GAS.call,
        movements: [tokenMove(world.stablecoin, ZERO, bridge, STOLEN_STABLE)],
      },
    ]);
    for (let i = 0; i < 4; i++) await ctx.step([]);

    ctx.waitUntil(THEFT_TIME);
    const exploiter = world.account(label('exploiter'));
    truth.attacker(exploiter, 'exploiter');
    const theft = await multisigExecute(
      ctx,
      bridge,
      validators.slice(0, THRESHOLD),
      [
        {
          to: exploiter.address,
          value: STOLEN_ETH,
          data: '0x' as Hex,
          movements: [internal(bridge, exploiter.address, STOLEN_ETH)],
        },
        {
          to: world.stablecoin,
          value: 0n,
          data: world.encode('Erc20', 'transfer', [exploiter.address, STOLEN_STABLE]),
          movements: [tokenMove(world.stablecoin, bridge, exploiter.address, STOLEN_STABLE)],
        },
      ],
      0,
    );
    for (const t of theft) truth.theft(t.hash, bridge);
    truth.stolen(NATIVE_ASSET, STOLEN_ETH);
    truth.stolen(world.stablecoin, STOLEN_STABLE);

    await ctx.step([approveRouter(world, exploiter, world.stablecoin)]);
    const swap = swapTokenForEther(
      world,
      exploiter,
      world.stablecoin,
      STOLEN_STABLE,
      exploiter.address,
    );
    const [swapped] = await ctx.step([swap.tx], {
      busyPairs: [world.pairs.get(world.stablecoin)!],
    });
    truth.conversion({
      txHash: swapped!.hash,
      assetIn: world.stablecoin,
      amountIn: STOLEN_STABLE,
      assetOut: NATIVE_ASSET,
      amountOut: swap.out,
    });

    const hops = Array.from({ length: INTERMEDIATES }, (_, i) => world.account(label(`hop/${i}`)));
    const share = spendable(world, exploiter, INTERMEDIATES, 21_000n) / BigInt(INTERMEDIATES);
    await ctx.step(
      hops.map((h) => {
        truth.attacker(h, 'intermediate');
        return sendEther(exploiter, h.address, share);
      }),
    );

    // Mixer deposits, one per address per block, as long as a whole note is left.
    const notes: { commitment: Hex; owner: number }[] = [];
    for (let round = 0; ; round++) {
      const txs: SimTransaction[] = [];
      hops.forEach((h, i) => {
        if (spendable(world, h, 2, GAS.call) < MIXER_DENOMINATION) return;
        const commitment = keccak256(stringToBytes(`ronin/note/${world.seed}/${i}/${round}`));
        notes.push({ commitment, owner: i });
        truth.endpoint({
          address: world.mixer,
          category: 'mixer',
          entity: 'Simulated Mixer',
          asset: NATIVE_ASSET,
          amount: MIXER_DENOMINATION,
        });
        txs.push({
          from: h,
          to: world.mixer,
          value: MIXER_DENOMINATION,
          data: world.encode('Mixer', 'deposit', [commitment]),
          gas: GAS.call,
          movements: [native(h.address, world.mixer, MIXER_DENOMINATION)],
        });
      });
      if (txs.length === 0) break;
      await ctx.step(txs);
    }
    // What is left below a note: half the addresses try an exchange, the others keep it.
    const leftovers: SimTransaction[] = [];
    hops.forEach((h, i) => {
      if (i % 2 === 1) return;
      const exchange = random.pick(world.exchanges);
      const wallet = takeDepositWallet(exchange);
      const amount = spendable(world, h, 1, GAS.payContract);
      truth.endpoint({
        address: wallet,
        category: 'deposit_wallet',
        entity: exchange.name,
        asset: NATIVE_ASSET,
        amount,
      });
      leftovers.push(sendEther(h, wallet, amount, true));
    });
    await ctx.step(leftovers);
    await ctx.sweep();

    // Weeks later the mixer's relayer pays the notes out to fresh addresses.
    ctx.waitUntil(THEFT_TIME + 14 * 86_400);
    await ctx.step(
      notes.map((note, k) => {
        const recipient = world.account(label(`post-mixer/${k}`));
        truth.attacker(recipient, 'post-mixer', false);
        const nullifier = keccak256(stringToBytes(`ronin/nullifier/${world.seed}/${k}`));
        return {
          from: world.mixerOperator,
          to: world.mixer,
          data: world.encode('Mixer', 'withdraw', [
            nullifier,
            recipient.address,
            world.mixerOperator.address,
            RELAYER_FEE,
          ]),
          gas: GAS.call,
          movements: [
            internal(world.mixer, recipient.address, MIXER_DENOMINATION - RELAYER_FEE),
            internal(world.mixer, world.mixerOperator.address, RELAYER_FEE),
          ],
        };
      }),
    );
    for (let i = 0; i < 3; i++) await ctx.step([]);
  },
};

const ZERO = '0x0000000000000000000000000000000000000000';
