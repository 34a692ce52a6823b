import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SsiDeviceSession, type SsiDeviceOutput } from '../emulator/ssi-device';
import { SsiHostSession, type SsiHostOutput } from './ssi-host';
import { encodeSsiPacket, SSI_OPCODE, SSI_PDF417, SSI_SOURCE, SsiPacketDecoder } from './ssi-packet';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const host = (opcode: number) =>
  encodeSsiPacket({ opcode, source: SSI_SOURCE.host, status: 0, data: new Uint8Array(0) });
const va = new Uint8Array(readFileSync(new URL('../fixtures/us-va-v10-dl.aamva', import.meta.url)));

describe("SSI packets (SSI Programmer's Guide message format)", () => {
  it('encodes the well-known host commands byte for byte', () => {
    expect(hex(host(SSI_OPCODE.SCAN_ENABLE))).toBe('04e90400ff0f');
    expect(hex(host(SSI_OPCODE.SCAN_DISABLE))).toBe('04ea0400ff0e');
    expect(hex(host(SSI_OPCODE.CMD_ACK))).toBe('04d00400ff28');
    expect(hex(host(SSI_OPCODE.REQUEST_REVISION))).toBe('04a30400ff55');
  });

  it('decodes across chunk boundaries, skips WAKEUP, reports a bad checksum and a short length', () => {
    const d = new SsiPacketDecoder();
    const p = host(SSI_OPCODE.SCAN_ENABLE);
    const bad = Uint8Array.from(p);
    bad[5] = bad[5]! ^ 1;
    const out = [
      ...d.feed(Uint8Array.of(0x00, ...p.subarray(0, 3)), 0),
      ...d.feed(p.subarray(3), 1),
      ...d.feed(bad, 2),
      ...d.feed(Uint8Array.of(2), 3),
    ];
    expect(
      out.map((o) =>
        o.type === 'packet' ? `packet ${o.packet.opcode.toString(16)}` : `${o.kind}: ${o.message}`,
      ),
    ).toEqual([
      'packet e9',
      'checksum: SSI SCAN_ENABLE packet checksum does not match',
      'framing: SSI length byte 2 is below the 4-byte header',
    ]);
  });

  it('abandons a half packet after the inter-byte timeout', () => {
    const d = new SsiPacketDecoder({ interByteTimeoutMs: 100 });
    d.feed(Uint8Array.of(10, 0xf3, 0), 0);
    expect(d.tick(100)).toEqual([
      { type: 'error', kind: 'framing', message: 'an SSI packet stopped after 3 of 12 bytes' },
    ]);
  });
});

/** A host and an emulated decoder wired together with a virtual clock; `drop` filters host->device bytes. */
function link(drop: (bytes: Uint8Array) => boolean = () => false) {
  const h = new SsiHostSession({ replyTimeoutMs: 100, interByteTimeoutMs: 100 });
  const dev = new SsiDeviceSession({ ackTimeoutMs: 50, revision: 'NBRMRAAC F 0x55 B1C2' });
  const seen: SsiHostOutput[] = [];
  let now = 0;
  const toDevice: Uint8Array[] = [];
  const toHost: Uint8Array[] = [];
  const fromHost = (out: SsiHostOutput[]) => {
    for (const o of out) {
      seen.push(o);
      if (o.type === 'send' && !drop(o.bytes)) toDevice.push(o.bytes);
    }
  };
  const fromDevice = (out: SsiDeviceOutput[]) =>
    out.forEach((o) => o.type === 'send' && toHost.push(o.bytes));
  const run = (ms = 1000) => {
    for (const end = now + ms; now <= end; now += 5) {
      while (toDevice.length || toHost.length) {
        if (toHost.length) fromHost(h.receive(toHost.shift()!, now));
        if (toDevice.length) fromDevice(dev.receive(toDevice.shift()!, now));
      }
      fromHost(h.tick(now));
      fromDevice(dev.tick(now));
    }
  };
  return {
    h,
    dev,
    seen,
    run,
    command: (opcode: number) => fromHost(h.command(opcode, new Uint8Array(0), now).out),
    present: (payload: Uint8Array) => {
      const r = dev.present(payload, SSI_PDF417, now);
      fromDevice(r.out);
      return r.accepted;
    },
    frames: () => seen.filter((o) => o.type === 'frame'),
    replies: () => seen.flatMap((o) => (o.type === 'reply' ? [o.result] : [])),
    errors: () => seen.flatMap((o) => (o.type === 'error' ? [`${o.kind}: ${o.message}`] : [])),
  };
}

describe('SSI host and emulated decoder', () => {
  it('enables scanning, reads the revision, and reassembles a multipacket DECODE_DATA', () => {
    const l = link();
    l.command(SSI_OPCODE.SCAN_ENABLE);
    l.command(SSI_OPCODE.REQUEST_REVISION);
    l.run(50);
    const [enabled, revision] = l.replies();
    expect(enabled).toEqual({ ok: true, value: null });
    expect(revision?.ok && new TextDecoder().decode(revision.value!.data)).toBe('NBRMRAAC F 0x55 B1C2');
    expect(l.present(va)).toBe(true);
    l.run(200);
    expect(l.frames()).toHaveLength(1);
    expect(l.frames()[0]).toMatchObject({ symbology: 'PDF417', bytes: va });
    expect(l.errors()).toEqual([]);
  });

  it('asks for a corrupted packet again (NAK RESEND) and still delivers the document once', () => {
    const l = link();
    l.dev.corruptNext(1);
    l.present(va);
    l.run(300);
    expect(l.errors()).toEqual(['checksum: SSI DECODE_DATA packet checksum does not match']);
    expect(l.frames()).toHaveLength(1);
    expect(l.frames()[0]).toMatchObject({ bytes: va });
  });

  it('drops the duplicate when its ACK was lost and the decoder retransmits', () => {
    let dropped = 0;
    const ack = host(SSI_OPCODE.CMD_ACK);
    const l = link((b) => hex(b) === hex(ack) && dropped++ === 0);
    l.present(va);
    l.run(300);
    expect(dropped).toBeGreaterThan(0);
    expect(l.frames()).toHaveLength(1);
    expect(l.frames()[0]).toMatchObject({ bytes: va });
  });

  it("returns the decoder's NAK for a command it does not know, and gives up on a silent decoder", () => {
    const l = link();
    l.command(SSI_OPCODE.CAPABILITIES_REQUEST);
    l.run(50);
    expect(l.replies()).toEqual([
      { ok: false, error: 'the scanner refused CAPABILITIES_REQUEST: NAK BAD_CONTEXT' },
    ]);
    const silent = link(() => true);
    silent.command(SSI_OPCODE.SCAN_ENABLE);
    silent.run(1000);
    expect(silent.replies()).toEqual([{ ok: false, error: 'no answer to SCAN_ENABLE after 3 attempts' }]);
    expect(silent.errors()).toEqual(['timeout: no answer to SCAN_ENABLE after 3 attempts']);
  });

  it('reads nothing while the host has scanning disabled', () => {
    const l = link();
    l.command(SSI_OPCODE.SCAN_DISABLE);
    l.run(50);
    expect(l.present(va)).toBe(false);
    l.run(100);
    expect(l.frames()).toEqual([]);
  });
});
