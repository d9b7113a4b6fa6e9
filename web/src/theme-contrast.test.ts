import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrast, cssVariables as variables } from './lib/contrast.ts';

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
