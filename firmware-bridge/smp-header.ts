/**
 * The 8-byte SMP header (Zephyr "SMP Protocol Specification" §Frame: the envelope; `struct smp_hdr`
 * in zephyr/mgmt/mcumgr/transport/smp.h), big-endian:
 *
 *   byte 0: Res (3 bits, 0) | Ver (2 bits) | OP (3 bits)      byte 1: flags (0)
 *   bytes 2-3: data length      bytes 4-5: group id      byte 6: sequence      byte 7: command id
 *
 * OP (`enum mcumgr_op_t`, mgmt_defines.h): 0 read, 1 read response, 2 write, 3 write response.
 * Ver (`enum smp_mcumgr_version_t`, smp/smp.h): 0 = version 1 (errors as `rc`), 1 = version 2 (group
 * errors as `err: {group, rc}`); 2 and 3 are reserved and refused here.
 */
import { err, ok, type Result } from '../protocol/result';

export const SMP_HEADER_LENGTH = 8;

export const SMP_OP = { read: 0, readResponse: 1, write: 2, writeResponse: 3 } as const;
export type SmpOp = (typeof SMP_OP)[keyof typeof SMP_OP];

/** SMP protocol version as carried in the Ver bits: 0 is "version 1", 1 is "version 2". */
export const SMP_VERSION = { v1: 0, v2: 1 } as const;
export type SmpVersion = (typeof SMP_VERSION)[keyof typeof SMP_VERSION];

/** The version as people name it: the Ver bits 0 and 1 are "SMP version 1" and "version 2". */
export function smpVersionName(v: SmpVersion): 1 | 2 {
  return v === SMP_VERSION.v2 ? 2 : 1;
}

/** `enum mcumgr_group_t` (mgmt_defines.h) for the groups used here; user groups start at 64. */
export const SMP_GROUP = { os: 0, image: 1, peruser: 64 } as const;

export interface SmpHeader {
  readonly op: SmpOp;
  readonly version: SmpVersion;
  readonly flags: number;
  /** Length of the CBOR data after the header. */
  readonly length: number;
  readonly group: number;
  readonly seq: number;
  readonly id: number;
}

export function encodeSmpHeader(h: SmpHeader): Uint8Array {
  for (const [name, value, max] of [
    ['flags', h.flags, 0xff],
    ['length', h.length, 0xffff],
    ['group', h.group, 0xffff],
    ['seq', h.seq, 0xff],
    ['id', h.id, 0xff],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw new RangeError(`SMP header ${name} ${value}`);
  }
  const out = new Uint8Array(SMP_HEADER_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = (h.version << 3) | h.op;
  out[1] = h.flags;
  view.setUint16(2, h.length);
  view.setUint16(4, h.group);
  out[6] = h.seq;
  out[7] = h.id;
  return out;
}

export function decodeSmpHeader(bytes: Uint8Array): Result<SmpHeader, string> {
  if (bytes.length < SMP_HEADER_LENGTH)
    return err(`an SMP packet of ${bytes.length} bytes is shorter than the 8-byte header`);
  const b0 = bytes[0]!;
  if (b0 >> 5 !== 0) return err(`SMP header reserved bits are set (first byte 0x${b0.toString(16)})`);
  const op = b0 & 0x07;
  if (op > 3) return err(`SMP op code ${op} is not one of read, read response, write, write response`);
  const version = (b0 >> 3) & 0x03;
  if (version > 1) return err(`SMP version bits ${version} are reserved`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, SMP_HEADER_LENGTH);
  return ok({
    op: op as SmpOp,
    version: version as SmpVersion,
    flags: bytes[1]!,
    length: view.getUint16(2),
    group: view.getUint16(4),
    seq: bytes[6]!,
    id: bytes[7]!,
  });
}
