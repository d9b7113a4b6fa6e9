import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourDifference, contrast, cssVariables } from '../../../lib/contrast.ts';
import { CATEGORY_COLOURS } from '../../../lib/format.ts';
import { CHAIN_COLOURS, deriveView } from './derive.ts';
import { edgeId, nodeId, type GraphNode, type GraphState } from './model.ts';

// WCAG 2.2 1.4.11: graphical objects one must see to understand the graph need 3:1 against what is
// next to them; the graph's canvas is drawn on the theme's --panel.
const NODE_CONTRAST = 3;
/** CIE76 difference from which two category colours read as different ones at a glance. */
const DISTINCT = 20;

const css = fs.readFileSync(path.join(import.meta.dirname, '../../../styles.css'), 'utf8');
const light = cssVariables(css, ':root');
const dark = new Map([...light, ...cssVariables(css, ":root[data-theme='dark']")]);
const canvases = { light: light.get('--panel')!, dark: dark.get('--panel')! };

/** Hue in degrees (0 red, 120 green, 240 blue) and saturation (0 to 1, HSL) of `#rrggbb`. */
function hueAndSaturation(hex: string): { hue: number; saturation: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const l = (max + min) / 2;
  const saturation = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  const hue =
    d === 0
      ? 0
      : max === r
        ? (((g - b) / d) % 6) * 60
        : max === g
          ? ((b - r) / d + 2) * 60
          : ((r - g) / d + 4) * 60;
  return { hue: (hue + 360) % 360, saturation };
}

// Made-up addresses: no chain data is read.
function node(address: string, extra: Partial<GraphNode> = {}): GraphNode {
  return {
    id: nodeId('anvil', address),
    chain: 'anvil',
    address,
    category: null,
    entity: null,
    seed: false,
    seedOf: [],
    expanded: [],
    x: 0,
    y: 0,
    ...extra,
  };
}

const FORWARD = 'trace-forward';
const BACKWARD = 'trace-backward';

/** A forward trace from a seed that still holds some of the money, and a backward one from a deposit. */
function graph(): GraphState {
  const seed = node('0x00000000000000000000000000000000000000a1', {
    seed: true,
    seedOf: [FORWARD],
    category: 'unspent',
  });
  const held = node('0x00000000000000000000000000000000000000b2', { category: 'unspent' });
  const plain = node('0x00000000000000000000000000000000000000c3');
  const deposit = node('0x00000000000000000000000000000000000000d4', {
    category: 'deposit_wallet',
    seedOf: [BACKWARD],
  });
  const edge = (from: GraphNode, to: GraphNode, layer: string) => ({
    id: edgeId(from.id, to.id, 'native', layer),
    from: from.id,
    to: to.id,
    chain: 'anvil',
    asset: 'native',
    amount: '1000',
    tainted: '1000',
    transfers: 1,
    hop: 1,
    first: 1740000000,
    last: 1740000000,
    source: 'trace' as const,
    layer,
  });
  return {
    version: 1,
    traceIds: [FORWARD, BACKWARD],
    chain: 'anvil',
    nodes: [seed, held, plain, deposit],
    edges: [edge(seed, held, FORWARD), edge(seed, plain, FORWARD), edge(plain, deposit, BACKWARD)],
    filters: { since: '', until: '', minAmount: '', fanOut: 20 },
    opened: [],
    pinned: [],
    hidden: [],
    layout: 'columns',
  };
}

const lookup = () => ({ symbol: 'ETH', decimals: 18 });

describe('colours of the graph (issue 17, item 9)', () => {
  const view = deriveView(
    graph(),
    {},
    lookup,
    new Map([
      [FORWARD, { colour: 0, backward: false }],
      [BACKWARD, { colour: 1, backward: true }],
    ]),
  );
  const colourOf = (address: string) =>
    view.nodes.find((n) => n.id === nodeId('anvil', address))!.colour;

  it('draws the theft seed red whatever its category, and a backward trace’s seed by its own', () => {
    const seed = colourOf('0x00000000000000000000000000000000000000a1');
    expect(seed).toBe(CATEGORY_COLOURS.seed);
    const { hue, saturation } = hueAndSaturation(seed);
    expect(Math.min(hue, 360 - hue)).toBeLessThan(15);
    expect(saturation).toBeGreaterThan(0.6);
    expect(colourOf('0x00000000000000000000000000000000000000d4')).toBe(
      CATEGORY_COLOURS.deposit_wallet,
    );
    expect([...view.theftSeeds]).toEqual([
      nodeId('anvil', '0x00000000000000000000000000000000000000a1'),
    ]);
  });

  it('tells still-held money from unlabelled addresses at a glance', () => {
    const held = colourOf('0x00000000000000000000000000000000000000b2');
    const plain = colourOf('0x00000000000000000000000000000000000000c3');
    expect(held).toBe(CATEGORY_COLOURS.unspent);
    expect(plain).toBe(CATEGORY_COLOURS.other);
    // Distinct from every other category's colour, not only the unlabelled grey.
    for (const [category, colour] of Object.entries(CATEGORY_COLOURS))
      if (category !== 'unspent')
        expect(colourDifference(held, colour), `unspent vs ${category}`).toBeGreaterThanOrEqual(
          DISTINCT,
        );
  });

  for (const [theme, canvas] of Object.entries(canvases))
    it(`keeps the theft seed and still-held money at ${NODE_CONTRAST}:1 on the ${theme} canvas`, () => {
      for (const category of ['seed', 'unspent'])
        expect(
          contrast(CATEGORY_COLOURS[category]!, canvas),
          `${category} on ${canvas}`,
        ).toBeGreaterThanOrEqual(NODE_CONTRAST);
    });
});

describe('colours of chains on the graph (issue 18, item 7)', () => {
  const graphCss = fs.readFileSync(path.join(import.meta.dirname, 'graph.css'), 'utf8');
  const themes = {
    light: { vars: cssVariables(graphCss, ':root'), canvas: canvases.light },
    dark: { vars: cssVariables(graphCss, ":root[data-theme='dark']"), canvas: canvases.dark },
  };
  for (const [theme, { vars, canvas }] of Object.entries(themes))
    it(`outlines each of ${CHAIN_COLOURS} chains at ${NODE_CONTRAST}:1 on the ${theme} canvas, each its own colour`, () => {
      const colours = Array.from({ length: CHAIN_COLOURS }, (_, i) => vars.get(`--chain-${i}`)!);
      for (const c of colours) {
        expect(c, theme).toMatch(/^#[0-9a-f]{6}$/i);
        expect(contrast(c, canvas), `${c} on ${canvas}`).toBeGreaterThanOrEqual(NODE_CONTRAST);
      }
      for (let i = 0; i < colours.length; i++)
        for (let j = i + 1; j < colours.length; j++)
          expect(colourDifference(colours[i]!, colours[j]!)).toBeGreaterThanOrEqual(DISTINCT);
    });
});
