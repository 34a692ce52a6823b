/**
 * CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR. This is the CRC the
 * MCUmgr serial transport appends to every packet (Zephyr `serial_util.c`: `crc16_itu_t(0x0000, …)`;
 * the Zephyr "SMP Transport Specification", §CRC Details: "polynomial is 0x1021 and initial value is 0").
 * Its catalogue check value over ASCII "123456789" is 0x31C3.
 *
 * A property the decoder relies on (as `mcumgr_serial_process_frag` does): the CRC of a packet followed
 * by its own CRC, big-endian, is 0.
 */

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** CRC-16/XMODEM of `data`, continuing from `crc` (0 to start). */
export function crc16Xmodem(data: Uint8Array, crc = 0): number {
  let c = crc & 0xffff;
  for (let i = 0; i < data.length; i++) c = ((c << 8) & 0xffff) ^ TABLE[((c >> 8) ^ data[i]!) & 0xff]!;
  return c;
}
