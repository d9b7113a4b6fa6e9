import type { SlotState, TaintRule } from '../sweep/slot-state.ts';
import type { TaintPolicy } from '../types.ts';
import { HaircutRule } from './haircut.ts';
import { LotsRule } from './lots.ts';
import { PoisonRule } from './poison.ts';
import { TihoRule } from './tiho.ts';

/** What a policy may need of the sweep besides the slot state. */
export type CreateTaintRuleParameters = {
  policy: TaintPolicy;
  state: SlotState;
  /** Edge amounts and transactions, and the paying slot of each edge in the sweep's direction. */
  graph: { amount: Float64Array; tx: Uint32Array; near: Uint32Array };
  /** Per slot, 1 when its asset is value-denominated (amounts are value at transfer time); null: none. */
  valueSlot: Uint8Array | null;
};

/**
 * The policy's rule, set on the state (`state.rule`) for the sweep to call. A new policy is a class
 * implementing {@link TaintRule} and a line here.
 *
 * @example
 * createTaintRule({ policy: 'haircut', state, graph, valueSlot: null });
 */
export function createTaintRule(parameters: CreateTaintRuleParameters): TaintRule {
  const { policy, state } = parameters;
  switch (policy) {
    case 'poison':
      return (state.rule = new PoisonRule(state));
    case 'haircut':
      return (state.rule = new HaircutRule(state, parameters.valueSlot));
    case 'fifo':
    case 'lifo':
      return (state.rule = new LotsRule(state, policy));
    case 'tiho':
      return (state.rule = new TihoRule(state, parameters.graph));
  }
}
