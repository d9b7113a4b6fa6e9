import { UserError } from '../../errors/base.ts';
import { InvalidAmountError, parseUnits } from '../../model/amount.ts';

/** A JSON string (kept as is) or a number literal. */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
/** Satoshis per bitcoin: amounts have 8 decimals. */
export const BTC_DECIMALS = 8;

/**
 * Parses JSON with every number kept as its literal text (a string), so nothing goes through a
 * float: Bitcoin Core writes amounts as BTC in JSON numbers (`"value": 50.00000000`), and
 * `JSON.parse` would read 0.1 + 0.2 style values inexactly. Callers turn the texts into what they
 * need ({@link btcToSatoshis}, `Number` for heights and times).
 *
 * @example
 * parseExactJson('{"value": 0.00012345, "n": 0}'); // { value: '0.00012345', n: '0' }
 */
export function parseExactJson(text: string): unknown {
  const quoted = text.replace(JSON_TOKEN, (token) =>
    token.charCodeAt(0) === 34 /* " */ ? token : `"${token}"`,
  );
  try {
    return JSON.parse(quoted) as unknown;
  } catch (error) {
    throw new UserError(`Not valid JSON: ${(error as Error).message}`, {
      code: 'RPC_BAD_RESPONSE',
      cause: error,
    });
  }
}

/**
 * An amount in BTC, as a node writes it, in satoshis, exactly: `50.00000000` is 5000000000n.
 * Accepts what JSON numbers may look like (`1e-7`, bcoin's floats printed by `JSON.stringify`);
 * refuses negative amounts and digits beyond the 8th decimal that are not zeros.
 *
 * @example
 * btcToSatoshis('0.00012345'); // 12345n
 * btcToSatoshis('1e-7'); // 10n
 */
export function btcToSatoshis(text: string): bigint {
  const m = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) throw new InvalidAmountError(text, 'expected a non-negative BTC amount');
  const digits = m[1]! + (m[2] ?? '');
  // The decimal point sits after `point` digits of `digits`.
  const point = m[1]!.length + Number(m[3] ?? 0);
  const decimal =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return parseUnits(decimal, BTC_DECIMALS);
}
