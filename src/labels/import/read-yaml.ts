import fs from 'node:fs/promises';
import { type Document, LineCounter, type Node, parseDocument, type Tags } from 'yaml';
import { UserError } from '../../errors/base.ts';

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
  code: string;
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
  return {
    file,
    document,
    value: document.toJS({ maxAliasCount: 100 }),
    lineOf: (node) => (node?.range ? lineCounter.linePos(node.range[0]).line : null),
  };
}
