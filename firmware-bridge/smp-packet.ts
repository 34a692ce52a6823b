/**
 * An SMP packet: the 8-byte header followed by its CBOR map (Zephyr smp/smp.h: "[Offset 0]: Mgmt
 * header, [Offset 8]: CBOR map of command-specific key-value pairs").
 */
import { decodeCborMap, encodeCbor, type CborMap } from './cbor';
import { err, ok, type Result } from '../protocol/result';
import {
  SMP_HEADER_LENGTH,
  decodeSmpHeader,
  encodeSmpHeader,
  type SmpHeader,
  type SmpOp,
  type SmpVersion,
} from './smp-header';

export interface SmpMessage {
  readonly header: SmpHeader;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface SmpPacketFields {
  readonly op: SmpOp;
  readonly version: SmpVersion;
  readonly group: number;
  readonly seq: number;
  readonly id: number;
  readonly body: CborMap;
}

export function encodeSmpPacket(p: SmpPacketFields): Uint8Array {
  const body = encodeCbor(p.body);
  const header = encodeSmpHeader({
    op: p.op,
    version: p.version,
    flags: 0,
    length: body.length,
    group: p.group,
    seq: p.seq,
    id: p.id,
  });
  const out = new Uint8Array(SMP_HEADER_LENGTH + body.length);
  out.set(header, 0);
  out.set(body, SMP_HEADER_LENGTH);
  return out;
}

/** Parses a reassembled packet; the header's length must match the bytes that follow it. */
export function decodeSmpPacket(bytes: Uint8Array): Result<SmpMessage, string> {
  const header = decodeSmpHeader(bytes);
  if (!header.ok) return header;
  const dataLength = bytes.length - SMP_HEADER_LENGTH;
  if (header.value.length !== dataLength)
    return err(`SMP header declares ${header.value.length} data bytes but ${dataLength} follow it`);
  // An empty body is what some old firmware sends for "nothing to say"; treat it as an empty map.
  if (dataLength === 0) return ok({ header: header.value, body: {} });
  const body = decodeCborMap(bytes.subarray(SMP_HEADER_LENGTH));
  if (!body.ok) return body;
  return ok({ header: header.value, body: body.value });
}
