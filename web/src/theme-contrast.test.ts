import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** WCAG 2.x relative luminance of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG contrast ratio of two colours (1 to 21). */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The CSS variables of one block of styles.css (`:root {` or `:root[data-theme='dark'] {`). */
function variables(css: string, selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return new Map(
    [...block.matchAll(/(--[\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1]!, m[2]!]),
  );
}

// WCAG 2.2 1.4.11 (non-text contrast) and 2.4.13: a focus indicator needs 3:1 against what is
// next to it: the page's background and the panels controls sit on.
const FOCUS_CONTRAST = 3;

describe('the focus ring', () => {
  const css = fs.readFileSync(path.join(import.meta.dirname, 'styles.css'), 'utf8');
  const light = variables(css, ':root');
  const dark = new Map([...light, ...variables(css, ":root[data-theme='dark']")]);
  for (const [theme, vars] of [
    ['light', light],
    ['dark', dark],
  ] as const)
    it(`has ${FOCUS_CONTRAST}:1 contrast or more on the background and panels (${theme})`, () => {
      const focus = vars.get('--focus')!;
      for (const surface of ['--bg', '--panel'])
        expect(
          contrast(focus, vars.get(surface)!),
          `${theme} ${focus} on ${surface}`,
        ).toBeGreaterThanOrEqual(FOCUS_CONTRAST);
    });
});
