import { useEffect, useState, type RefObject } from 'react';
import type { Hover } from './canvas.ts';
import type { TooltipContent } from './facts.ts';

/** Pixels between the pointer and the tooltip. */
const OFFSET_PX = 14;
/** Beyond this share of the canvas's width the tooltip opens to the left of the pointer. */
const FLIP_SHARE = 0.6;

/**
 * The canvas's tooltip on a hovered node or edge. It keeps its own state, fed through `show` by the
 * canvas's hover events, so hovering re-renders this and not the graph view. The same facts are in
 * the side panel (keyboard users never hover): this is a shortcut for the mouse, not the only place.
 */
export function GraphTooltip(props: {
  show: RefObject<((hover: Hover | null) => void) | null>;
  describe: (hover: Hover) => TooltipContent | null;
  width: () => number;
}) {
  const { show, describe, width } = props;
  const [shown, setShown] = useState<{ hover: Hover; content: TooltipContent } | null>(null);
  useEffect(() => {
    show.current = (hover) => {
      const content = hover ? describe(hover) : null;
      setShown(hover && content ? { hover, content } : null);
    };
    return () => {
      show.current = null;
    };
  }, [show, describe]);
  if (!shown) return null;
  const { hover, content } = shown;
  const flip = hover.x > width() * FLIP_SHARE;
  return (
    <div
      className="gv-tooltip"
      role="tooltip"
      style={{
        top: hover.y + OFFSET_PX,
        left: flip ? undefined : hover.x + OFFSET_PX,
        right: flip ? width() - hover.x + OFFSET_PX : undefined,
      }}
    >
      <strong>{content.title}</strong>
      <dl>
        {content.lines.map((l, i) => (
          <div key={i}>
            <dt>{l.name}</dt>
            <dd className={l.mono ? 'mono' : undefined}>{l.text}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
