/**
 * SMP header, CBOR bodies and error answers against Zephyr's own test vectors
 * (tests/subsys/mgmt/mcumgr/os_mgmt_info and smp_version) and the mynewt-mcumgr protocol.md image list
 * dump; CBOR encodings checked for definite lengths and shortest heads (RFC 8949 §4.2.1).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/bytes';
import { decodeCborMap, encodeCbor } from './cbor';
import { decodeSmpHeader, encodeSmpHeader, SMP_OP, SMP_VERSION } from './smp-header';
import { decodeSmpPacket, encodeSmpPacket } from './smp-packet';
import { deviceErrorOf, describeGroupError, isNotSupported } from './smp-errors';
import {
  IMAGE_LIST_RESPONSE_PACKET,
  OS_INFO_REQUEST_PACKET,
  OS_INFO_RESPONSE_PACKET,
  SMP_TOO_NEW_RESPONSE,
  SMP_V1_ERROR_RESPONSE,
  SMP_V2_ERROR_RESPONSE,
} from './testdata/mcumgr-doc-vectors';

describe('SMP header (SMP Protocol Specification §Frame: the envelope)', () => {
  it('reads the os_mgmt_info request header: read, version 1, 11 bytes, group 0, seq 1, id 7', () => {
    const h = decodeSmpHeader(fromHex(OS_INFO_REQUEST_PACKET));
    expect(h).toEqual({
      ok: true,
      value: { op: 0, version: 0, flags: 0, length: 11, group: 0, seq: 1, id: 7 },
    });
  });
  it('puts the version above the op: byte 0 is op | version << 3 (0x09 = read response, v2)', () => {
    const bytes = encodeSmpHeader({ op: 1, version: 1, flags: 0, length: 0x13, group: 0, seq: 1, id: 7 });
    expect(toHex(bytes)).toBe(SMP_V2_ERROR_RESPONSE.slice(0, 16));
  });
  it('refuses reserved bits, reserved versions and short packets', () => {
    expect(decodeSmpHeader(fromHex('2000000000000000')).ok).toBe(false);
    expect(decodeSmpHeader(fromHex('1000000000000000'))).toMatchObject({ ok: false });
    expect(decodeSmpHeader(fromHex('0400000000000000'))).toMatchObject({ ok: false });
    expect(decodeSmpHeader(fromHex('00000000'))).toEqual({
      ok: false,
      error: 'an SMP packet of 4 bytes is shorter than the 8-byte header',
    });
  });
});

describe('SMP packets', () => {
  it('decodes the Zephyr os_mgmt_info request and answer (indefinite-length maps)', () => {
    expect(decodeSmpPacket(fromHex(OS_INFO_REQUEST_PACKET))).toMatchObject({
      ok: true,
      value: { body: { format: 's' } },
    });
    expect(decodeSmpPacket(fromHex(OS_INFO_RESPONSE_PACKET))).toMatchObject({
      ok: true,
      value: { header: { op: SMP_OP.readResponse, group: 0, seq: 1, id: 7 }, body: { output: 'Zephyr' } },
    });
  });
  it('decodes the protocol.md image list answer field by field', () => {
    const m = decodeSmpPacket(fromHex(IMAGE_LIST_RESPONSE_PACKET));
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    const images = m.value.body['images'] as Record<string, unknown>[];
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({
      slot: 0,
      version: '0.3.0',
      bootable: true,
      pending: false,
      confirmed: true,
      active: true,
    });
    expect(toHex(images[0]!['hash'] as Uint8Array)).toBe(
      'd24cb3051354172bb5109f9cb4ae7861d96d6afdfc46db482ceb2d34a8a78ed0',
    );
    expect(m.value.body['splitStatus']).toBe(0);
  });
  it('encodes a request that Zephyr would decode to the same fields, and reads it back', () => {
    const bytes = encodeSmpPacket({
      op: SMP_OP.write,
      version: SMP_VERSION.v2,
      group: 0,
      seq: 42,
      id: 0,
      body: { d: 'hi' },
    });
    expect(toHex(bytes)).toBe('0a000006' + '0000' + '2a00' + 'a1' + '6164' + '626869');
    expect(decodeSmpPacket(bytes)).toMatchObject({
      ok: true,
      value: { header: { seq: 42 }, body: { d: 'hi' } },
    });
  });
  it('refuses a header whose length disagrees with the data, and a body that is not a map', () => {
    expect(decodeSmpPacket(fromHex('0100000500000000a0'))).toEqual({
      ok: false,
      error: 'SMP header declares 5 data bytes but 1 follow it',
    });
    expect(decodeSmpPacket(fromHex('010000020000000082' + '01'))).toMatchObject({ ok: false });
    expect(decodeSmpPacket(fromHex('0100000300000000' + '820102'))).toEqual({
      ok: false,
      error: 'the SMP body is CBOR but not a map',
    });
    expect(decodeSmpPacket(fromHex('0100000100000000' + '1c')).ok).toBe(false);
  });
});

describe('CBOR bodies (RFC 8949 §4.2.1 preferred serialization)', () => {
  it('writes definite-length maps with the shortest heads, byte strings untagged', () => {
    expect(toHex(encodeCbor({}))).toBe('a0');
    expect(toHex(encodeCbor({ off: 0, data: Uint8Array.of(1, 2) }))).toBe(
      'a2' + '636f666600' + '6464617461' + '420102',
    );
    const many: Record<string, number> = {};
    for (let i = 0; i < 24; i++) many[`k${i}`] = i;
    expect(toHex(encodeCbor(many)).slice(0, 4)).toBe('b818');
    expect(toHex(encodeCbor({ n: 24 }))).toBe('a1616e1818');
    expect(toHex(encodeCbor({ n: 65536 }))).toBe('a1616e1a00010000');
    expect(toHex(encodeCbor({ n: 2 ** 32 }))).toBe('a1616e1b0000000100000000');
    expect(toHex(encodeCbor({ n: -1 }))).toBe('a1616e20');
    expect(toHex(encodeCbor({ s: 'x'.repeat(24) })).slice(0, 8)).toBe('a1617378');
    expect(toHex(encodeCbor({ b: new Uint8Array(256) })).slice(0, 12)).toBe('a16162590100');
  });
  it('refuses floats and undefined as bugs', () => {
    expect(() => encodeCbor({ x: 1.5 })).toThrow(RangeError);
    expect(() => encodeCbor({ x: undefined } as never)).toThrow(TypeError);
  });
  it('reads an empty buffer or a truncated map as an error value', () => {
    expect(decodeCborMap(new Uint8Array(0)).ok).toBe(false);
    expect(decodeCborMap(fromHex('a1')).ok).toBe(false);
  });
});

describe('SMP error answers (SMP Protocol Specification §Minimal response)', () => {
  const body = (hex: string) => {
    const m = decodeSmpPacket(fromHex(hex));
    if (!m.ok) throw new Error(m.error);
    return m.value.body;
  };
  it('maps a version 1 rc (smp_version response_old: rc 3)', () => {
    expect(deviceErrorOf(body(SMP_V1_ERROR_RESPONSE))).toEqual({
      kind: 'device-error',
      group: null,
      rc: 3,
      name: 'EINVAL',
      message: 'the device found a request value invalid (rc 3)',
    });
  });
  it('maps a version 2 err (smp_version response_current: OS group rc 2)', () => {
    expect(deviceErrorOf(body(SMP_V2_ERROR_RESPONSE))).toMatchObject({
      group: 0,
      rc: 2,
      name: 'INVALID_FORMAT',
      message: 'the format value is not valid (OS group error 2)',
    });
  });
  it('maps rc 13 to "does not speak SMP version 2" (smp_version response_new)', () => {
    expect(deviceErrorOf(body(SMP_TOO_NEW_RESPONSE))).toMatchObject({ rc: 13, name: 'UNSUPPORTED_TOO_NEW' });
  });
  it('keeps the rsn text, treats rc 0 and a missing code as success', () => {
    expect(deviceErrorOf({ rc: 1, rsn: 'app reject' })).toMatchObject({
      name: 'EUNKNOWN',
      reason: 'app reject',
    });
    expect(deviceErrorOf({ rc: 0 })).toBeNull();
    expect(deviceErrorOf({ off: 10 })).toBeNull();
    expect(deviceErrorOf({ err: { group: 1, rc: 0 } })).toBeNull();
  });
  it('names image, kiosk and unknown group codes, and spots ENOTSUP', () => {
    expect(describeGroupError(1, 9).message).toBe(
      'there is no free slot for the image (image group error 9)',
    );
    expect(describeGroupError(64, 3).name).toBe('PRINTER_JAMMED');
    expect(describeGroupError(99, 5).message).toBe('group 99 error 5');
    expect(isNotSupported(deviceErrorOf({ rc: 8 })!)).toBe(true);
  });
});
