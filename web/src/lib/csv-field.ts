/**
 * One CSV field, safe to open in a spreadsheet: a value starting with `=`, `+`, `-`, `@` (or a tab
 * or carriage return) is prefixed with `'` so it is never run as a formula (CSV injection: inputs,
 * label texts and entity names come from outside), unless it is a plain decimal number such as
 * `-12.5` (amounts stay numbers). `-2+3+cmd|…` starts with a minus and a digit but is a formula:
 * only the whole string being a number exempts it. Then quoted when it holds a delimiter, quote or
 * line break (RFC 4180).
 *
 * @example
 * csvField('=HYPERLINK("x")'); // `"'=HYPERLINK(""x"")"`
 * csvField('-12.5'); // '-12.5'
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
