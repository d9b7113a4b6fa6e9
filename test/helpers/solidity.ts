import solc from 'solc';

export type CompiledContract = {
  /** Creation bytecode, 0x-prefixed, ready for a deploying transaction's `data`. */
  bytecode: `0x${string}`;
};

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
};

/**
 * Compiles one Solidity source with solc-js and returns each contract's creation bytecode by name.
 * Compiler errors throw; warnings are ignored.
 *
 * @example
 * const { Splitter } = compileSolidity('pragma solidity ^0.8.0; contract Splitter {}');
 */
export function compileSolidity(source: string): Record<string, CompiledContract> {
  const input = {
    language: 'Solidity',
    sources: { 'source.sol': { content: source } },
    settings: { outputSelection: { '*': { '*': ['evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts: Record<string, CompiledContract> = {};
  for (const [name, contract] of Object.entries(output.contracts['source.sol'] ?? {}))
    contracts[name] = { bytecode: `0x${contract.evm.bytecode.object}` };
  return contracts;
}
