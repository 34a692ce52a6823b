import { describe, expect, it } from 'vitest';
import { qrMatrix, qrPath } from './qr-code';
import { spellTrackingCode } from './tracking-code';
import { secondsLeft } from './inactivity-guard';

describe('qrMatrix / qrPath', () => {
  const payload = 'http://127.0.0.1:9000/v1/lookup?code=ABCD-EFGH-IJKL-MNOP';
  const matrix = qrMatrix(payload);

  it('draws a QR symbol: a size of 21 + 4k modules with the three finder patterns (ISO/IEC 18004 §6.3.3)', () => {
    expect((matrix.size - 21) % 4).toBe(0);
    for (const [r0, c0] of [
      [0, 0],
      [0, matrix.size - 7],
      [matrix.size - 7, 0],
    ] as const) {
      for (let i = 0; i < 7; i++) {
        // The finder's outer ring is dark, the ring inside it light, its 3x3 core dark.
        expect(matrix.isDark(r0, c0 + i)).toBe(true);
        expect(matrix.isDark(r0 + 6, c0 + i)).toBe(true);
        expect(matrix.isDark(r0 + i, c0)).toBe(true);
      }
      expect(matrix.isDark(r0 + 1, c0 + 1)).toBe(false);
      expect(matrix.isDark(r0 + 3, c0 + 3)).toBe(true);
    }
  });

  it('covers exactly the dark modules, offset by the quiet zone', () => {
    const path = qrPath(matrix, 4);
    let covered = 0;
    for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
      const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
      for (let col = x - 4; col < x - 4 + w; col++) expect(matrix.isDark(y - 4, col)).toBe(true);
      covered += w;
    }
    let dark = 0;
    for (let r = 0; r < matrix.size; r++)
      for (let c = 0; c < matrix.size; c++) if (matrix.isDark(r, c)) dark++;
    expect(covered).toBe(dark);
  });

  it('changes with the payload', () => {
    expect(qrPath(qrMatrix('A'), 4)).not.toBe(qrPath(qrMatrix('B'), 4));
  });
});

describe('spellTrackingCode', () => {
  it('spells each group for a screen reader', () => {
    expect(spellTrackingCode('AB2C-DEFG-HIJK-LMNO')).toBe('A B 2 C, D E F G, H I J K, L M N O');
  });
});

describe('secondsLeft', () => {
  it('counts down by the backend clock and never below zero', () => {
    const now = Date.parse('2030-05-01T10:00:00.000Z');
    expect(secondsLeft('2030-05-01T10:00:30.000Z', now, 0)).toBe(30);
    expect(secondsLeft('2030-05-01T10:00:30.000Z', now, 10_000)).toBe(20);
    expect(secondsLeft('2030-05-01T10:00:30.000Z', now + 60_000, 0)).toBe(0);
    expect(secondsLeft(null, now, 0)).toBeNull();
    expect(secondsLeft('not a date', now, 0)).toBeNull();
  });
});
