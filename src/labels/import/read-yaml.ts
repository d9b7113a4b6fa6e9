import type { ErrorCode } from '../../errors/codes.ts';
import fs from 'node:fs/promises';
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Tags,
} from 'yaml';
import { UserError } from '../../errors/base.ts';

/**
 * Nodes that aliases may add to a document beyond its own, once expanded (`*a` stands for a copy
 * of what `&a` names). The reader's work follows the expanded size, not the file's: a 160 KB file
 * of 100 aliases to one 80,000-item list expands to 8 M items (10.9 s and 1.2 GB to import, and
 * about 0.5 MB of such a file would exhaust the heap). 100,000 leaves room for the shared context
 * blocks aliases are written for.
 */
export const MAX_ALIAS_EXPANSION_NODES = 100_000;
/** Collections nested deeper than this are refused (the expansion count recurses over them). */
const MAX_YAML_DEPTH = 500;

/** A parsed YAML file that can say on which line a node starts. */
export type YamlFile = {
  file: string;
  document: Document.Parsed;
  /** The document as plain JS values (custom tags resolved to what their `resolve` returned). */
  value: unknown;
  /** 1-based line of a node of this document. */
  lineOf(node: Node | null | undefined): number | null;
};

/** Input of {@link readYamlFile}. */
export type ReadYamlFileParameters = {
  file: string;
  /** Extra tags (e.g. `!include`). */
  customTags?: Tags | undefined;
  /** Error code for a malformed file. */
  code: ErrorCode;
};

/**
 * Reads and parses one YAML file. A syntax error, or a key repeated in a mapping, throws a
 * {@link UserError} naming `file:line`; an unreadable file names the file.
 *
 * @example
 * const { value, document, lineOf } = await readYamlFile({ file: 'pack.yaml', code: 'TAGPACK_BAD_YAML' });
 * lineOf(document.get('tags', true) as Node); // e.g. 9
 */
export async function readYamlFile(parameters: ReadYamlFileParameters): Promise<YamlFile> {
  const { file, customTags, code } = parameters;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`,
      {
        code,
        cause: error,
      },
    );
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    ...(customTags ? { customTags } : {}),
  });
  const error = document.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`${file}:${line}: malformed YAML: ${reason}`, { code });
  }
  checkExpansion(file, document, lineCounter, code);
  return {
    file,
    document,
    value: document.toJS({ maxAliasCount: 100 }),
    lineOf: (node) => (node?.range ? lineCounter.linePos(node.range[0]).line : null),
  };
}

/**
 * Refuses a document whose aliases expand to more than {@link MAX_ALIAS_EXPANSION_NODES} nodes
 * beyond its own, or whose collections nest deeper than {@link MAX_YAML_DEPTH}, before anything
 * expands them. Each node's expanded size is counted once (memoised), so this costs the file's own
 * size even when the expansion is exponential (aliases of aliases).
 */
function checkExpansion(
  file: string,
  document: Document.Parsed,
  lineCounter: LineCounter,
  code: ErrorCode,
): void {
  const sizes = new Map<unknown, number>();
  let own = 0;
  const lineOf = (node: { range?: unknown } | null | undefined) => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? `:${lineCounter.linePos(range[0]).line}` : '';
  };
  const size = (node: unknown, depth: number, counted: boolean): number => {
    if (node === null || node === undefined) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (depth > MAX_YAML_DEPTH)
      throw new UserError(
        `${file}${lineOf(node as Node)}: YAML nested deeper than ${MAX_YAML_DEPTH} levels`,
        {
          code,
        },
      );
    let n = 1;
    if (isAlias(node)) {
      // Not a node of the file: a copy of what it names.
      const target = node.resolve(document);
      n = target ? size(target, depth + 1, false) : 1;
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          n += size(item.key, depth + 1, counted) + size(item.value, depth + 1, counted);
        } else n += size(item, depth + 1, counted);
      }
    }
    if (counted && !isAlias(node)) own++;
    sizes.set(node, n);
    return n;
  };
  const total = size(document.contents, 0, true);
  if (total - own > MAX_ALIAS_EXPANSION_NODES)
    throw new UserError(
      `${file}: YAML aliases expand to ${total.toLocaleString('en-US')} nodes, ${(total - own).toLocaleString('en-US')} more than the file's own ${own.toLocaleString('en-US')} (at most ${MAX_ALIAS_EXPANSION_NODES.toLocaleString('en-US')} more)`,
      { code },
    );
}
