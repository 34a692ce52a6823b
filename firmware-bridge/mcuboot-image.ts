/**
 * MCUboot image files, as far as firmware update needs them (MCUboot "Image format", bootutil/image.h):
 * a 32-byte little-endian header (`ih_magic` 0x96f3b83d, `ih_load_addr`, `ih_hdr_size`,
 * `ih_protect_tlv_size`, `ih_img_size`, `ih_flags`, `ih_ver` {u8 major, u8 minor, u16 revision,
 * u32 build}), the body, then TLV areas: an optional protected one (`IMAGE_TLV_PROT_INFO_MAGIC` 0x6908)
 * and the unprotected one (`IMAGE_TLV_INFO_MAGIC` 0x6907, `it_tlv_tot` counting its own 4 bytes), made
 * of {u16 type, u16 len, value}. `IMAGE_TLV_SHA256` (0x10) holds the SHA-256 of header, body and
 * protected TLVs: the "hash" the image group lists (smp_group_1.rst: "the field in the MCUboot TLV
 * section that contains a hash of the data").
 */
import { sha256 } from '../protocol/hash';
import { bytesEqual, concatBytes } from '../protocol/bytes';
import { err, ok, type Result } from '../protocol/result';

export const IMAGE_MAGIC = 0x96f3b83d;
export const IMAGE_TLV_INFO_MAGIC = 0x6907;
export const IMAGE_TLV_PROT_INFO_MAGIC = 0x6908;
export const IMAGE_TLV_SHA256 = 0x10;
export const IMAGE_HEADER_SIZE = 32;

export interface ImageVersion {
  readonly major: number;
  readonly minor: number;
  readonly revision: number;
  readonly build: number;
}

export interface McubootImage {
  readonly version: ImageVersion;
  /** As Zephyr's img_mgmt_ver_str prints it: major.minor.revision, plus .build when not 0. */
  readonly versionString: string;
  /** The IMAGE_TLV_SHA256 value. */
  readonly hash: Uint8Array;
  /** Whether that hash matches the bytes it covers. */
  readonly hashValid: boolean;
  readonly bodyLength: number;
}

export function versionString(v: ImageVersion): string {
  const base = `${v.major}.${v.minor}.${v.revision}`;
  return v.build === 0 ? base : `${base}.${v.build}`;
}

/** Parses "1.2.3" or "1.2.3.4" into an image version. */
export function parseVersion(text: string): Result<ImageVersion, string> {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,5})(?:\.(\d{1,10}))?$/.exec(text);
  const nums = m ? [m[1], m[2], m[3], m[4] ?? '0'].map(Number) : [];
  const [major = -1, minor = -1, revision = -1, build = -1] = nums;
  if (!m || major > 255 || minor > 255 || revision > 0xffff || build > 0xffffffff)
    return err(
      `"${text}" is not an MCUboot version (major.minor.revision[.build], 255.255.65535.4294967295 at most)`,
    );
  return ok({ major, minor, revision, build });
}

/** Builds a minimal valid image: header, body, one TLV area holding the SHA-256. */
export function buildMcubootImage(version: ImageVersion, body: Uint8Array): Uint8Array {
  const header = new Uint8Array(IMAGE_HEADER_SIZE);
  const h = new DataView(header.buffer);
  h.setUint32(0, IMAGE_MAGIC, true);
  h.setUint32(4, 0, true);
  h.setUint16(8, IMAGE_HEADER_SIZE, true);
  h.setUint16(10, 0, true);
  h.setUint32(12, body.length, true);
  h.setUint32(16, 0, true);
  h.setUint8(20, version.major);
  h.setUint8(21, version.minor);
  h.setUint16(22, version.revision, true);
  h.setUint32(24, version.build, true);
  const hash = sha256(header, body);
  const tlvs = new Uint8Array(4 + 4 + 32);
  const t = new DataView(tlvs.buffer);
  t.setUint16(0, IMAGE_TLV_INFO_MAGIC, true);
  t.setUint16(2, tlvs.length, true);
  t.setUint16(4, IMAGE_TLV_SHA256, true);
  t.setUint16(6, 32, true);
  tlvs.set(hash, 8);
  return concatBytes(header, body, tlvs);
}

/** Reads an image's version and hash, refusing anything that is not an MCUboot image. */
export function parseMcubootImage(bytes: Uint8Array): Result<McubootImage, string> {
  if (bytes.length < IMAGE_HEADER_SIZE) return err(`${bytes.length} bytes is shorter than an MCUboot header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== IMAGE_MAGIC)
    return err('not an MCUboot image: the header magic is not 0x96f3b83d');
  const hdrSize = v.getUint16(8, true);
  const protSize = v.getUint16(10, true);
  const imgSize = v.getUint32(12, true);
  if (hdrSize < IMAGE_HEADER_SIZE) return err(`MCUboot header size ${hdrSize} is below 32`);
  const covered = hdrSize + imgSize + protSize;
  if (covered + 4 > bytes.length) return err('the MCUboot image is cut short before its TLV area');
  if (protSize > 0 && v.getUint16(hdrSize + imgSize, true) !== IMAGE_TLV_PROT_INFO_MAGIC)
    return err('the MCUboot protected TLV area has a bad magic');
  let at = covered;
  if (v.getUint16(at, true) !== IMAGE_TLV_INFO_MAGIC) return err('the MCUboot TLV area has a bad magic');
  const end = at + v.getUint16(at + 2, true);
  if (end > bytes.length || end < at + 4) return err('the MCUboot TLV area runs past the end of the file');
  at += 4;
  let hash: Uint8Array | null = null;
  while (at + 4 <= end) {
    const type = v.getUint16(at, true);
    const len = v.getUint16(at + 2, true);
    if (at + 4 + len > end) return err('an MCUboot TLV runs past its area');
    if (type === IMAGE_TLV_SHA256) {
      if (len !== 32 || hash !== null)
        return err('the MCUboot image has a malformed or repeated SHA-256 TLV');
      hash = bytes.slice(at + 4, at + 36);
    }
    at += 4 + len;
  }
  if (hash === null) return err('the MCUboot image has no SHA-256 TLV');
  const version = {
    major: v.getUint8(20),
    minor: v.getUint8(21),
    revision: v.getUint16(22, true),
    build: v.getUint32(24, true),
  };
  return ok({
    version,
    versionString: versionString(version),
    hash,
    hashValid: bytesEqual(hash, sha256(bytes.subarray(0, covered))),
    bodyLength: imgSize,
  });
}
