import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Abi, Hex } from 'viem';
import { BaseError, UserError } from '../errors/base.ts';

/** The simulator's contracts, by name (each `contracts/<Name>.sol` file may define several). */
export type CompiledContracts = Record<string, { abi: Abi; bytecode: Hex }>;

export type CompileContractsParameters = {
  /** Folder of the `.sol` sources. */
  contractsDir: string;
  /** Folder for compiled output keyed by a hash of the sources and compiler (default: none). */
  cacheDir?: string | undefined;
};

/**
 * EVM version compiled for: Cancun runs on anvil and on every mainnet-like node of 2024 or later,
 * while newer defaults (Prague, Osaka) would refuse to deploy on older nodes.
 */
const EVM_VERSION = 'cancun';

/** Optimiser and target: part of the cache key, so changing them recompiles. */
const COMPILER_SETTINGS = { optimizer: { enabled: true, runs: 200 }, evmVersion: EVM_VERSION };

type SolcOutput = {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
};

type Solc = { compile(input: string): string; version(): string };

/**
 * Compiles Solidity sources (file name -> source text) with solc-js, optimised, for Cancun. Every
 * contract of every file comes back by name; a compiler error throws with solc's messages.
 *
 * @example
 * const { Splitter } = compileSolidity({ 'Splitter.sol': { content: 'pragma solidity ^0.8.0; contract Splitter {}' } });
 */
export function compileSolidity(sources: Record<string, { content: string }>): CompiledContracts {
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      ...COMPILER_SETTINGS,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const solc = createRequire(import.meta.url)('solc') as Solc;
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0)
    throw new BaseError(`Solidity compilation failed (${errors.length} errors)`, {
      code: 'CONTRACTS_COMPILE_FAILED',
      details: errors.map((e) => e.formattedMessage).join('\n'),
    });
  const compiled: CompiledContracts = {};
  for (const byName of Object.values(output.contracts ?? {}))
    for (const [name, c] of Object.entries(byName))
      compiled[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  return compiled;
}

/**
 * Compiles the Solidity sources in `contractsDir` with solc-js (npm `solc`), reusing a cached
 * result when neither the sources nor the compiler changed (solc-js takes seconds to load).
 *
 * @example
 * const contracts = compileContracts({ contractsDir: 'contracts' });
 * contracts.Weth9.bytecode; // '0x6080…'
 */
export function compileContracts(parameters: CompileContractsParameters): CompiledContracts {
  const files = fs
    .readdirSync(parameters.contractsDir)
    .filter((f) => f.endsWith('.sol'))
    .sort();
  if (files.length === 0)
    throw new UserError(`No Solidity sources in ${parameters.contractsDir}`, {
      code: 'CONTRACTS_MISSING',
    });
  const sources: Record<string, { content: string }> = {};
  for (const f of files)
    sources[f] = { content: fs.readFileSync(path.join(parameters.contractsDir, f), 'utf8') };
  const require = createRequire(import.meta.url);
  const solcVersion = (require('solc/package.json') as { version: string }).version;
  const key = createHash('sha256')
    .update(solcVersion)
    .update(JSON.stringify({ sources, COMPILER_SETTINGS }))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = parameters.cacheDir
    ? path.join(parameters.cacheDir, `contracts-${key}.json`)
    : null;
  if (cacheFile && fs.existsSync(cacheFile))
    return JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CompiledContracts;
  const compiled = compileSolidity(sources);
  if (cacheFile) {
    // Written beside and renamed, so a concurrent reader never sees half a file. A cache that
    // cannot be written (read-only install) only costs the next run a recompilation.
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(temp, JSON.stringify(compiled));
      fs.renameSync(temp, cacheFile);
    } catch {
      fs.rmSync(temp, { force: true });
    }
  }
  return compiled;
}
