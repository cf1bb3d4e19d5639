import { useMemo } from 'react';
import { create } from 'qrcode';

/** The quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4). */
const QUIET = 4;

interface Run {
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/** The dark modules of a QR code, one rectangle per horizontal run (a few hundred, not thousands). */
export function qrRuns(text: string): { readonly size: number; readonly runs: readonly Run[] } {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  const runs: Run[] = [];
  for (let y = 0; y < size; y += 1) {
    let start = -1;
    for (let x = 0; x <= size; x += 1) {
      const dark = x < size && data[y * size + x] === 1;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start, y, width: x - start });
        start = -1;
      }
    }
  }
  return { size, runs };
}

/**
 * A QR code drawn as an inline SVG of rectangles: React elements, no markup strings, nothing a
 * strict CSP refuses. Dark on white in both themes, as scanners expect.
 */
export function QrCode(props: { text: string; label: string; pixels?: number }) {
  const { size, runs } = useMemo(() => qrRuns(props.text), [props.text]);
  const total = size + 2 * QUIET;
  const pixels = props.pixels ?? 200;
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={props.label}
      width={pixels}
      height={pixels}
      viewBox={`0 0 ${total} ${total}`}
      shapeRendering="crispEdges"
      data-modules={size}
    >
      <rect width={total} height={total} fill="#ffffff" />
      {runs.map((run) => (
        <rect
          key={`${run.x},${run.y}`}
          x={run.x + QUIET}
          y={run.y + QUIET}
          width={run.width}
          height={1}
          fill="#000000"
        />
      ))}
    </svg>
  );
}
