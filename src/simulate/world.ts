import {
  type Abi,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  pad,
  toHex,
} from 'viem';
import { UserError } from '../errors/base.ts';
import { NATIVE_ASSET } from '../model/asset.ts';
import { DEPLOYER_LABEL, type SimAccount, simAccount } from './accounts.ts';
import {
  type ChainDriver,
  MAX_FEE_PER_GAS_WEI,
  type Movement,
  type SimTransaction,
  TRANSFER_GAS,
} from './chain-driver.ts';
import type { CompiledContracts } from './compile-contracts.ts';
import type { Random } from './random.ts';

export const ETHER = 10n ** 18n;
/** One unit of the 6-decimal stablecoin. */
export const USD = 10n ** 6n;
/** Gas limits per kind of call (fees are charged on gas used; the limit only has to be enough). */
export const GAS = {
  deploy: 6_000_000n,
  /** Ether sent to a contract whose receive() does nothing (deposit wallets, the multisig). */
  payContract: 60_000n,
  call: 200_000n,
  swap: 250_000n,
  perDepositWallet: 240_000n,
  perSweep: 45_000n,
} as const;
/**
 * Deadline/expiry passed to the router and THORChain: scenarios build a transaction before they
 * know the time of its block (they may skip weeks), so deadlines play no part in the simulation.
 */
const NO_DEADLINE = 2n ** 64n - 1n;
/** Tornado-like pool size, in wei. */
export const MIXER_DENOMINATION = 10n * ETHER;
/** Deposit wallets each exchange opens at setup, per unit of scale. */
const DEPOSIT_WALLETS_PER_EXCHANGE = 80;
/** Deposit wallets created per transaction (each costs about 225 k gas). */
const DEPOSIT_WALLETS_PER_TX = 40;
/** Customers of the exchanges, per unit of scale. */
const USERS = 60;
/** Ether each exchange's hot wallet starts with (it pays customer withdrawals). */
const HOT_WALLET_FLOAT = 3_000n * ETHER;
/** Pool depths: deep enough that the stolen tokens move the price by a few percent. */
const LST_POOL_WETH = 2_000n * ETHER;
const STABLE_POOL_WETH = 1_000n * ETHER;
/** The stablecoin pool's price: 2,500 stablecoin units per ether. */
const STABLE_PER_ETHER = 2_500n;
/** Wei the OTC desk pays per smallest stablecoin unit (2,500 USD per ETH). */
export const OTC_WEI_PER_UNIT = ETHER / (STABLE_PER_ETHER * USD);

/** What an address is in the simulation: the truth about it that labels and traces are judged by. */
export type SimEntity = {
  address: Hex;
  category:
    | 'exchange'
    | 'hot_wallet'
    | 'deposit_wallet'
    | 'cold_wallet'
    | 'dex'
    | 'bridge'
    | 'instant_exchange'
    | 'mixer'
    | 'otc'
    | 'token'
    | 'wrapped_native';
  entity: string;
};

export type Exchange = {
  name: string;
  contract: Hex;
  hotWallet: SimAccount;
  /** Deposit addresses in order of creation. */
  depositWallets: Hex[];
  /** Index of the next deposit wallet not yet handed to a customer. */
  nextFree: number;
};

export type LstKey = 'sstETH' | 'smETH' | 'scmETH';

/** Everything deployed and every actor of one simulation. */
export type World = {
  seed: number;
  scale: number;
  driver: ChainDriver;
  contracts: CompiledContracts;
  deployer: SimAccount;
  weth: Hex;
  thorRouter: Hex;
  /** THORChain's inbound vault: ether deposited through the router lands here. */
  thorVault: SimAccount;
  router: Hex;
  stablecoin: Hex;
  lst: Record<LstKey, Hex>;
  /** Token contract -> its pair with WETH. */
  pairs: Map<Hex, Hex>;
  mixer: Hex;
  mixerOperator: SimAccount;
  instantExchange: Hex;
  instantTreasury: SimAccount;
  otc: Hex;
  exchanges: Exchange[];
  users: SimAccount[];
  liquidityProvider: SimAccount;
  entities: SimEntity[];
  /** Symbols and decimals of the simulator's tokens. */
  assets: { asset: Hex; symbol: string; name: string; decimals: number }[];
  /** A fresh account for this seed. */
  account(label: string): SimAccount;
  /** Calldata for a function of a simulator contract. */
  encode(contract: string, functionName: string, args: readonly unknown[]): Hex;
};

/** Order of deployment: fixed, so every fresh chain gets the contracts at the same addresses. */
const DEPLOY_ORDER = [
  'Weth9',
  'ThorRouter',
  'AmmRouter',
  'Stablecoin',
  'sstETH',
  'smETH',
  'scmETH',
  'pair:sstETH',
  'pair:smETH',
  'pair:scmETH',
  'pair:stable',
  'Mixer',
  'InstantExchange',
  'OtcDesk',
  'exchange:0',
  'exchange:1',
  'exchange:2',
] as const;

/** Names of the simulated exchanges: fictional, so nobody mistakes them for real services. */
export const EXCHANGE_NAMES = ['Alder Exchange', 'Birch Exchange', 'Cedar Exchange'] as const;

/**
 * Address the deployer's n-th deployment gets: the same for every seed on a fresh chain.
 *
 * @example
 * simulatorContractAddress('Weth9'); // where the simulator's WETH lives on a fresh anvil
 */
export function simulatorContractAddress(name: (typeof DEPLOY_ORDER)[number]): Hex {
  return getContractAddress({
    from: simAccount(0, DEPLOYER_LABEL).address,
    nonce: BigInt(DEPLOY_ORDER.indexOf(name)),
  }).toLowerCase() as Hex;
}

/**
 * The Uniswap v2 output for an exact input (0.3% fee), as the pair computes it.
 *
 * @example
 * amountOut(10n ** 18n, reserveIn, reserveOut);
 */
export function amountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const withFee = amountIn * 997n;
  return (withFee * reserveOut) / (reserveIn * 1000n + withFee);
}

/**
 * Deploys the simulator's contracts on a fresh chain and opens the world: liquidity pools, funded
 * exchanges with deposit wallets, customers. Refuses a chain where the deployer already acted,
 * because the contracts' fixed addresses (which the sync relies on) would then differ.
 *
 * @example
 * const world = await createWorld({ driver, contracts, seed: 1, scale: 1, random });
 */
export async function createWorld(parameters: {
  driver: ChainDriver;
  contracts: CompiledContracts;
  seed: number;
  scale: number;
  random: Random;
}): Promise<World> {
  const { driver, contracts, seed, scale } = parameters;
  const accounts = new Map<string, SimAccount>();
  const account = (label: string) => {
    let a = accounts.get(label);
    if (!a) accounts.set(label, (a = simAccount(seed, label)));
    return a;
  };
  const deployer = account(DEPLOYER_LABEL);
  const used = BigInt(
    await driver.rpc.request<string>('eth_getTransactionCount', [deployer.address, 'latest']),
  );
  if (used > 0n)
    throw new UserError(
      'This chain already holds a simulation (its deployer has sent transactions): start a fresh anvil, or pass several scenarios to one simulate run',
      { code: 'SIM_CHAIN_USED' },
    );
  const abi = (name: string): Abi => {
    const c = contracts[name];
    if (!c) throw new Error(`contract ${name} was not compiled`);
    return c.abi;
  };
  const encode = (contract: string, functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi: abi(contract), functionName, args } as never);
  const deployTx = (contract: string, args: readonly unknown[], value = 0n): SimTransaction => ({
    from: deployer,
    to: null,
    value,
    data: encodeDeployData({
      abi: abi(contract),
      bytecode: contracts[contract]!.bytecode,
      args,
    } as never),
    gas: GAS.deploy,
    movements: [],
  });

  const thorVault = account('thorchain/vault');
  const mixerOperator = account('mixer/operator');
  const instantTreasury = account('instant-exchange/treasury');
  const liquidityProvider = account('dex/liquidity-provider');
  const hotWallets = EXCHANGE_NAMES.map((_, i) => account(`exchange/${i}/hot`));
  const at = (name: (typeof DEPLOY_ORDER)[number]) => simulatorContractAddress(name);
  const weth = at('Weth9');
  const stablecoin = at('Stablecoin');
  const lst: Record<LstKey, Hex> = {
    sstETH: at('sstETH'),
    smETH: at('smETH'),
    scmETH: at('scmETH'),
  };

  await driver.fund(deployer, 100n * ETHER);
  await driver.fund(mixerOperator, ETHER);
  const deployments: Record<(typeof DEPLOY_ORDER)[number], SimTransaction> = {
    Weth9: deployTx('Weth9', []),
    ThorRouter: deployTx('ThorRouter', []),
    AmmRouter: deployTx('AmmRouter', [weth]),
    Stablecoin: deployTx('Stablecoin', ['Simulated Tether USD', 'sUSDT']),
    sstETH: deployTx('Erc20', ['Simulated Staked Ether', 'sstETH', 18]),
    smETH: deployTx('Erc20', ['Simulated Mantle Staked Ether', 'smETH', 18]),
    scmETH: deployTx('Erc20', ['Simulated Restaked mETH', 'scmETH', 18]),
    'pair:sstETH': deployTx('AmmPair', [lst.sstETH, weth]),
    'pair:smETH': deployTx('AmmPair', [lst.smETH, weth]),
    'pair:scmETH': deployTx('AmmPair', [lst.scmETH, weth]),
    'pair:stable': deployTx('AmmPair', [stablecoin, weth]),
    Mixer: deployTx('Mixer', [MIXER_DENOMINATION, mixerOperator.address]),
    InstantExchange: deployTx('InstantExchange', []),
    OtcDesk: deployTx('OtcDesk', [stablecoin, OTC_WEI_PER_UNIT]),
    'exchange:0': deployTx('Exchange', [hotWallets[0]!.address]),
    'exchange:1': deployTx('Exchange', [hotWallets[1]!.address]),
    'exchange:2': deployTx('Exchange', [hotWallets[2]!.address]),
  };
  const sent = await driver.step(DEPLOY_ORDER.map((name) => deployments[name]));
  sent.forEach((tx, i) => {
    if (tx.contractAddress !== at(DEPLOY_ORDER[i]!))
      throw new Error(`${DEPLOY_ORDER[i]} deployed at ${tx.contractAddress}, not where expected`);
  });

  const router = at('AmmRouter');
  const pairs = new Map<Hex, Hex>([
    [lst.sstETH, at('pair:sstETH')],
    [lst.smETH, at('pair:smETH')],
    [lst.scmETH, at('pair:scmETH')],
    [stablecoin, at('pair:stable')],
  ]);
  const depositWalletCount = Math.max(10, Math.round(DEPOSIT_WALLETS_PER_EXCHANGE * scale));
  const depositWalletCode = keccak256(contracts.DepositWallet!.bytecode);
  const exchanges: Exchange[] = EXCHANGE_NAMES.map((name, i) => {
    const contract = at(`exchange:${i}` as (typeof DEPLOY_ORDER)[number]);
    return {
      name,
      contract,
      hotWallet: hotWallets[i]!,
      depositWallets: Array.from(
        { length: depositWalletCount },
        (_, k) =>
          getContractAddress({
            opcode: 'CREATE2',
            from: contract,
            salt: pad(toHex(k)),
            bytecodeHash: depositWalletCode,
          }).toLowerCase() as Hex,
      ),
      nextFree: 0,
    };
  });
  const users = Array.from({ length: Math.max(10, Math.round(USERS * scale)) }, (_, i) =>
    account(`user/${i}`),
  );

  // Liquidity: the provider wraps ether, the issuers mint tokens to it, both go into the pairs.
  const lpEther = 3n * LST_POOL_WETH + STABLE_POOL_WETH;
  await driver.fund(liquidityProvider, lpEther + ETHER);
  for (const hot of hotWallets) await driver.fund(hot, HOT_WALLET_FLOAT);
  const lpTokens: [Hex, bigint][] = [
    [lst.sstETH, LST_POOL_WETH],
    [lst.smETH, LST_POOL_WETH],
    [lst.scmETH, LST_POOL_WETH],
    [stablecoin, (STABLE_POOL_WETH / ETHER) * STABLE_PER_ETHER * USD],
  ];
  await driver.step([
    {
      from: liquidityProvider,
      to: weth,
      value: lpEther,
      data: encode('Weth9', 'deposit', []),
      gas: GAS.call,
      movements: [native(liquidityProvider.address, weth, lpEther)],
      credits: [{ asset: weth, address: liquidityProvider.address, amount: lpEther }],
    },
    ...lpTokens.map(([token, amount]) => ({
      from: deployer,
      to: token,
      data: encode('Erc20', 'mint', [liquidityProvider.address, amount]),
      gas: GAS.call,
      movements: [tokenMove(token, ZERO_ADDRESS, liquidityProvider.address, amount)],
    })),
    ...[...pairs.values()].map((pair) => ({
      from: deployer,
      to: router,
      data: encode('AmmRouter', 'registerPair', [pair]),
      gas: GAS.call,
      movements: [],
    })),
    ...exchanges.flatMap((e) =>
      chunkSizes(depositWalletCount, DEPOSIT_WALLETS_PER_TX).map((n) => ({
        from: deployer,
        to: e.contract,
        data: encode('Exchange', 'createDepositWallets', [BigInt(n)]),
        gas: 100_000n + GAS.perDepositWallet * BigInt(n),
        movements: [],
      })),
    ),
  ]);
  const wethFor = (token: Hex) => (token === stablecoin ? STABLE_POOL_WETH : LST_POOL_WETH);
  await driver.step(
    lpTokens.flatMap(([token, amount]) => [
      transferToken(liquidityProvider, token, pairs.get(token)!, amount, encode),
      transferToken(liquidityProvider, weth, pairs.get(token)!, wethFor(token), encode),
    ]),
  );
  await driver.step(
    [...pairs.values()].map((pair) => ({
      from: liquidityProvider,
      to: pair,
      data: encode('AmmPair', 'sync', []),
      gas: GAS.call,
      movements: [],
    })),
  );
  // The OTC desk holds ether to buy stablecoins with.
  await driver.step([sendEther(deployer, at('OtcDesk'), 50n * ETHER, true)]);

  const entities: SimEntity[] = [
    { address: weth, category: 'wrapped_native', entity: 'WETH' },
    { address: at('ThorRouter'), category: 'bridge', entity: 'THORChain' },
    { address: thorVault.address, category: 'bridge', entity: 'THORChain' },
    { address: router, category: 'dex', entity: 'Simulated AMM' },
    ...[...pairs.values()].map((p) => ({
      address: p,
      category: 'dex' as const,
      entity: 'Simulated AMM',
    })),
    { address: stablecoin, category: 'token', entity: 'sUSDT' },
    ...Object.entries(lst).map(([k, a]) => ({ address: a, category: 'token' as const, entity: k })),
    { address: at('Mixer'), category: 'mixer', entity: 'Simulated Mixer' },
    {
      address: at('InstantExchange'),
      category: 'instant_exchange',
      entity: 'Simulated Instant Exchange',
    },
    {
      address: instantTreasury.address,
      category: 'instant_exchange',
      entity: 'Simulated Instant Exchange',
    },
    { address: at('OtcDesk'), category: 'otc', entity: 'Simulated OTC Desk' },
    ...exchanges.flatMap((e) => [
      { address: e.contract, category: 'exchange' as const, entity: e.name },
      { address: e.hotWallet.address, category: 'hot_wallet' as const, entity: e.name },
      ...e.depositWallets.map((w) => ({
        address: w,
        category: 'deposit_wallet' as const,
        entity: e.name,
      })),
    ]),
  ];

  return {
    seed,
    scale,
    driver,
    contracts,
    deployer,
    weth,
    thorRouter: at('ThorRouter'),
    thorVault,
    router,
    stablecoin,
    lst,
    pairs,
    mixer: at('Mixer'),
    mixerOperator,
    instantExchange: at('InstantExchange'),
    instantTreasury,
    otc: at('OtcDesk'),
    exchanges,
    users,
    liquidityProvider,
    entities,
    assets: [
      { asset: weth, symbol: 'WETH', name: 'Wrapped Ether', decimals: 18 },
      { asset: stablecoin, symbol: 'sUSDT', name: 'Simulated Tether USD', decimals: 6 },
      { asset: lst.sstETH, symbol: 'sstETH', name: 'Simulated Staked Ether', decimals: 18 },
      { asset: lst.smETH, symbol: 'smETH', name: 'Simulated Mantle Staked Ether', decimals: 18 },
      { asset: lst.scmETH, symbol: 'scmETH', name: 'Simulated Restaked mETH', decimals: 18 },
    ],
    account,
    encode,
  };
}

/** `total` split into parts of at most `size`. */
function chunkSizes(total: number, size: number): number[] {
  const parts: number[] = [];
  for (let left = total; left > 0; left -= size) parts.push(Math.min(size, left));
  return parts;
}

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** A native movement. */
export function native(from: string, to: string, amount: bigint): Movement {
  return { kind: 'native', asset: NATIVE_ASSET, from, to, amount };
}

/** An internal (call) movement of ether. */
export function internal(from: string, to: string, amount: bigint): Movement {
  return { kind: 'internal', asset: NATIVE_ASSET, from, to, amount };
}

/** An ERC-20 Transfer. */
export function tokenMove(token: string, from: string, to: string, amount: bigint): Movement {
  return { kind: 'token', asset: token, from, to, amount };
}

/**
 * Ether from an account to an address (`toContract` when the receiver has code and needs more gas).
 *
 * @example
 * await driver.step([sendEther(user, friend.address, 10n ** 17n)]);
 */
export function sendEther(
  from: SimAccount,
  to: Hex,
  amount: bigint,
  toContract = false,
): SimTransaction {
  return {
    from,
    to,
    value: amount,
    gas: toContract ? GAS.payContract : TRANSFER_GAS,
    movements: [native(from.address, to, amount)],
  };
}

/** An ERC-20 transfer by its holder. */
export function transferToken(
  from: SimAccount,
  token: Hex,
  to: Hex,
  amount: bigint,
  encode: World['encode'],
): SimTransaction {
  return {
    from,
    to: token,
    data: encode('Erc20', 'transfer', [to, amount]),
    gas: GAS.call,
    movements: [tokenMove(token, from.address, to, amount)],
  };
}

/**
 * What an account can send and still pay gas for `txsLeft` more transactions (this one included)
 * at the highest fee it offers.
 *
 * @example
 * const all = spendable(world, account, 1, GAS.call);
 */
export function spendable(
  world: World,
  account: SimAccount,
  txsLeft: number,
  gasPerTx: bigint,
): bigint {
  const reserve = BigInt(txsLeft) * gasPerTx * MAX_FEE_PER_GAS_WEI;
  const free = world.driver.balance(account.address) - reserve;
  return free > 0n ? free : 0n;
}

/**
 * Swaps an exact amount of a token for ether through the router (Uniswap v2 flow: token into the
 * pair, WETH out to the router, unwrapped, ether to `to`). The router must be approved.
 *
 * @example
 * const { tx, out } = swapTokenForEther(world, holder, world.lst.sstETH, amount, holder.address);
 */
export function swapTokenForEther(
  world: World,
  from: SimAccount,
  token: Hex,
  amountIn: bigint,
  to: Hex,
): { tx: SimTransaction; out: bigint } {
  const pair = world.pairs.get(token)!;
  const out = amountOut(
    amountIn,
    world.driver.balance(pair, token),
    world.driver.balance(pair, world.weth),
  );
  return {
    out,
    tx: {
      from,
      to: world.router,
      data: world.encode('AmmRouter', 'swapExactTokensForETH', [
        amountIn,
        out,
        [token, world.weth],
        to,
        NO_DEADLINE,
      ]),
      gas: GAS.swap,
      movements: [
        tokenMove(token, from.address, pair, amountIn),
        tokenMove(world.weth, pair, world.router, out),
        internal(world.weth, world.router, out),
        internal(world.router, to, out),
      ],
      credits: [{ asset: world.weth, address: world.router, amount: -out }],
    },
  };
}

/**
 * Swaps exact ether for a token (router wraps it, pays the pair, the pair pays `to`).
 *
 * @example
 * const { tx, out } = swapEtherForToken(world, user, world.stablecoin, 10n ** 17n, user.address);
 */
export function swapEtherForToken(
  world: World,
  from: SimAccount,
  token: Hex,
  amountIn: bigint,
  to: Hex,
): { tx: SimTransaction; out: bigint } {
  const pair = world.pairs.get(token)!;
  const out = amountOut(
    amountIn,
    world.driver.balance(pair, world.weth),
    world.driver.balance(pair, token),
  );
  return {
    out,
    tx: {
      from,
      to: world.router,
      value: amountIn,
      data: world.encode('AmmRouter', 'swapExactETHForTokens', [
        out,
        [world.weth, token],
        to,
        NO_DEADLINE,
      ]),
      gas: GAS.swap,
      movements: [
        native(from.address, world.router, amountIn),
        internal(world.router, world.weth, amountIn),
        tokenMove(world.weth, world.router, pair, amountIn),
        tokenMove(token, pair, to, out),
      ],
      credits: [{ asset: world.weth, address: world.router, amount: amountIn }],
    },
  };
}

/** ERC-20 approval of `spender` for everything (no value moves). */
export function approve(world: World, from: SimAccount, token: Hex, spender: Hex): SimTransaction {
  return {
    from,
    to: token,
    data: world.encode('Erc20', 'approve', [spender, 2n ** 256n - 1n]),
    gas: GAS.call,
    movements: [],
  };
}

/** ERC-20 approval of the AMM router for everything. */
export function approveRouter(world: World, from: SimAccount, token: Hex): SimTransaction {
  return approve(world, from, token, world.router);
}

/**
 * Ether into THORChain through the router, to be paid out on another chain per the memo.
 *
 * @example
 * thorDeposit(world, holder, amount, '=:BTC.BTC:bc1q…');
 */
export function thorDeposit(
  world: World,
  from: SimAccount,
  amount: bigint,
  memo: string,
): SimTransaction {
  return {
    from,
    to: world.thorRouter,
    value: amount,
    data: world.encode('ThorRouter', 'depositWithExpiry', [
      world.thorVault.address,
      ZERO_ADDRESS,
      0n,
      memo,
      NO_DEADLINE,
    ]),
    gas: GAS.call,
    movements: [
      native(from.address, world.thorRouter, amount),
      internal(world.thorRouter, world.thorVault.address, amount),
    ],
  };
}

/** An order at the instant-exchange service, paid in ether. */
export function instantOrder(
  world: World,
  from: SimAccount,
  amount: bigint,
  payout: string,
): SimTransaction {
  return {
    from,
    to: world.instantExchange,
    value: amount,
    data: world.encode('InstantExchange', 'order', [payout]),
    gas: GAS.call,
    movements: [native(from.address, world.instantExchange, amount)],
  };
}

/**
 * The next unused deposit address of an exchange (one per customer or per laundering account).
 *
 * @example
 * const wallet = takeDepositWallet(world.exchanges[0]);
 */
export function takeDepositWallet(exchange: Exchange): Hex {
  const wallet = exchange.depositWallets[exchange.nextFree];
  if (!wallet)
    throw new UserError(`${exchange.name} ran out of deposit wallets; raise --scale`, {
      code: 'SIM_NO_DEPOSIT_WALLET',
    });
  exchange.nextFree++;
  return wallet;
}

/**
 * Each exchange sweeps every deposit wallet holding ether (by the simulator's ledger) into its hot
 * wallet. Must be a step of its own: a deposit in the same block would change what is swept.
 *
 * @example
 * await world.driver.step(sweepAll(world));
 */
export function sweepAll(world: World): SimTransaction[] {
  const txs: SimTransaction[] = [];
  for (const e of world.exchanges) {
    const full = e.depositWallets.slice(0, e.nextFree).filter((w) => world.driver.balance(w) > 0n);
    if (full.length === 0) continue;
    txs.push({
      from: world.deployer,
      to: e.contract,
      data: world.encode('Exchange', 'sweep', [full, ZERO_ADDRESS]),
      gas: 60_000n + GAS.perSweep * BigInt(full.length),
      movements: full.map((w) => internal(w, e.hotWallet.address, world.driver.balance(w))),
    });
  }
  return txs;
}
