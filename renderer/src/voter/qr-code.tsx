/**
 * A QR code drawn as one SVG path from the `qrcode` package's module matrix: no canvas, no data URL,
 * no innerHTML, so it renders under the strict CSP and stays sharp at any size and in print. Dark
 * modules on a light quiet zone of 4 modules (ISO/IEC 18004 §6.3.8) whatever the contrast theme, since
 * scanners need dark-on-light.
 */
import { create } from 'qrcode';
import { useMemo } from 'react';

export interface QrMatrix {
  readonly size: number;
  isDark(row: number, col: number): boolean;
}

export function qrMatrix(payload: string): QrMatrix {
  const { modules } = create(payload, { errorCorrectionLevel: 'M' });
  return { size: modules.size, isDark: (row, col) => modules.get(row, col) === 1 };
}

/** One path: a unit square per dark module, runs along a row merged into one rectangle. */
export function qrPath(matrix: QrMatrix, margin: number): string {
  const parts: string[] = [];
  for (let row = 0; row < matrix.size; row++) {
    let col = 0;
    while (col < matrix.size) {
      if (!matrix.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < matrix.size && matrix.isDark(row, col)) col++;
      parts.push(`M${start + margin} ${row + margin}h${col - start}v1h-${col - start}z`);
    }
  }
  return parts.join('');
}

const QUIET_ZONE = 4;

export function QrCode(props: {
  readonly payload: string;
  readonly label: string;
  readonly className?: string;
}) {
  const { payload } = props;
  const { path, dimension } = useMemo(() => {
    const matrix = qrMatrix(payload);
    return { path: qrPath(matrix, QUIET_ZONE), dimension: matrix.size + 2 * QUIET_ZONE };
  }, [payload]);
  return (
    <svg
      className={`qr-code ${props.className ?? ''}`}
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${dimension} ${dimension}`}
      shapeRendering="crispEdges"
      data-testid="qr-code"
      data-payload={payload}
    >
      <rect width={dimension} height={dimension} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
