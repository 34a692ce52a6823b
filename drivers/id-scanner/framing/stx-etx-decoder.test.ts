import { describe, expect, it } from 'vitest';
import type { DecoderOutput } from './frame-decoder';
import { StxEtxDecoder } from './stx-etx-decoder';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);
const summary = (out: DecoderOutput[]) =>
  out.map((o) => (o.type === 'frame' ? `frame:${text(o.bytes)}` : `${o.kind}:${o.message}`));

describe('StxEtxDecoder', () => {
  it('frames data containing CR and LF, ignoring line endings between frames', () => {
    const d = new StxEtxDecoder();
    expect(summary(d.feed(bytes('\x02LINE 1\rLINE 2\x03\r\n\x02B\x03'), 0))).toEqual([
      'frame:LINE 1\rLINE 2',
      'frame:B',
    ]);
  });

  it('keeps the time of the first byte for latency, across chunks', () => {
    const d = new StxEtxDecoder();
    d.feed(bytes('\x02AB'), 7);
    const [frame] = d.feed(bytes('C\x03'), 9);
    expect(frame).toMatchObject({ type: 'frame', startedAt: 7 });
  });

  it('reports stray bytes once per run, an STX inside a frame, an empty frame, an overlong frame', () => {
    const d = new StxEtxDecoder({ maxFrameBytes: 4 });
    expect(summary(d.feed(bytes('junk\x02AB\x02CD\x03\x02\x03\x02ABCDE'), 0))).toEqual([
      'framing:bytes arrived outside an STX...ETX frame',
      'framing:STX inside a frame: the frame before it was cut short',
      'frame:CD',
      'framing:an empty STX...ETX frame',
      'framing:a frame ran past 4 bytes without ETX',
    ]);
  });

  it('checks the XOR block check character when configured', () => {
    const d = new StxEtxDecoder({ blockCheck: 'xor' });
    const bcc = (s: string) => String.fromCharCode([...bytes(`${s}\x03`)].reduce((x, b) => x ^ b, 0));
    expect(summary(d.feed(bytes(`\x02DATA\x03${bcc('DATA')}`), 0))).toEqual(['frame:DATA']);
    expect(summary(d.feed(bytes(`\x02DATA\x03${bcc('DATB')}`), 0))).toEqual([
      'checksum:the block check character after ETX does not match the frame',
    ]);
  });

  it('abandons a frame left open past the inter-byte timeout', () => {
    const d = new StxEtxDecoder({ interByteTimeoutMs: 50 });
    d.feed(bytes('\x02HALF'), 0);
    expect(d.nextDeadline()).toBe(50);
    expect(d.tick(49)).toEqual([]);
    expect(summary(d.tick(50))).toEqual(['framing:a frame was left open: no ETX within 50 ms']);
    expect(d.nextDeadline()).toBeNull();
  });
});
