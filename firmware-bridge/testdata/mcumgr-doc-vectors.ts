/**
 * Published SMP examples, transcribed for tests (never edited):
 *
 * 1. apache/mynewt-mcumgr `protocol.md`, §Example Packets: the serial captures of
 *    `newtmgr -l DEBUG -c serial taskstats` and `… image list` (2016): each request as the bytes written
 *    to the data channel, each response as the frames read back (the reader strips the newline) and the
 *    "Rx packet dump" the tool printed after reassembly.
 * 2. zephyrproject-rtos/zephyr `tests/subsys/mgmt/mcumgr/os_mgmt_info/src/main.c` (`command`,
 *    `expected_response`) and `tests/subsys/mgmt/mcumgr/smp_version/src/main.c` (`response_old`,
 *    `response_current`, `response_new`): SMP packets without serial framing.
 */

/** protocol.md, taskstats: the request packet and the frame written for it (marker, base64, newline). */
export const TASKSTATS_REQUEST_PACKET = '0000000000000002';
export const TASKSTATS_REQUEST_FRAME_TEXT = 'AAoAAAAAAAAAAiBC';

/** protocol.md, image list: the request packet and its frame text. */
export const IMAGE_LIST_REQUEST_PACKET = '0000000000010000';
export const IMAGE_LIST_REQUEST_FRAME_TEXT = 'AAoAAAAAAAEAADcw';

/**
 * protocol.md, taskstats response: the five frames read (marker bytes [6 9] / [4 20], then text).
 * These 2016 newtmgr frames hold 128 base64 characters, longer than today's 127-byte frame limit.
 */
export const TASKSTATS_RESPONSE_FRAMES: readonly (readonly [number, number, string])[] = [
  [
    6,
    9,
    'AZwBAQGSAAAAAr9icmMAZXRhc2tzv2RpZGxlv2RwcmlvGP9jdGlkAGVzdGF0ZQFmc3RrdXNlGBlmc3Rrc2l6GEBmY3N3Y250GgAUfmpncnVudGltZRoAE5xPbGxhc3Rf',
  ],
  [
    4,
    20,
    'Y2hlY2tpbgBsbmV4dF9jaGVja2luAP9mYmxlX2xsv2RwcmlvAGN0aWQBZXN0YXRlAmZzdGt1c2UYOmZzdGtzaXoYUGZjc3djbnQZ6pxncnVudGltZRkJRWxsYXN0X2No',
  ],
  [
    4,
    20,
    'ZWNraW4AbG5leHRfY2hlY2tpbgD/bmJsZXVhcnRfYnJpZGdlv2RwcmlvBWN0aWQCZXN0YXRlAWZzdGt1c2UYH2ZzdGtzaXoZAQBmY3N3Y250GgATqYNncnVudGltZQBs',
  ],
  [
    4,
    20,
    'bGFzdF9jaGVja2luAGxuZXh0X2NoZWNraW4A/2dibGVwcnBov2RwcmlvAWN0aWQDZXN0YXRlAWZzdGt1c2UY02ZzdGtzaXoZAVBmY3N3Y250GQqDZ3J1bnRpbWUEbGxh',
  ],
  [4, 20, 'c3RfY2hlY2tpbgBsbmV4dF9jaGVja2luAP///8UX'],
];

/** protocol.md, taskstats "Rx packet dump" (410 bytes: header 01 01 01 92 00 00 00 02, then CBOR). */
export const TASKSTATS_RESPONSE_PACKET = [
  '0101019200000002bf62726300657461736b73bf6469646c65bf647072696f18ff637469640065737461746501667374',
  '6b75736518196673746b73697a184066637377636e741a00147e6a6772756e74696d651a00139c4f6c6c6173745f6368',
  '65636b696e006c6e6578745f636865636b696e00ff66626c655f6c6cbf647072696f0063746964016573746174650266',
  '73746b757365183a6673746b73697a185066637377636e7419ea9c6772756e74696d651909456c6c6173745f63686563',
  '6b696e006c6e6578745f636865636b696e00ff6e626c65756172745f627269646765bf647072696f0563746964026573',
  '74617465016673746b757365181f6673746b73697a19010066637377636e741a0013a9836772756e74696d65006c6c61',
  '73745f636865636b696e006c6e6578745f636865636b696e00ff67626c6570727068bf647072696f0163746964036573',
  '74617465016673746b75736518d36673746b73697a19015066637377636e74190a836772756e74696d65046c6c617374',
  '5f636865636b696e006c6e6578745f636865636b696e00ffffff',
].join('');

/** protocol.md, image list response: two frames and the 131-byte packet dump. */
export const IMAGE_LIST_RESPONSE_FRAMES: readonly (readonly [number, number, string])[] = [
  [
    6,
    9,
    'AIUBAQB7AAEAAL9maW1hZ2Vzn79kc2xvdABndmVyc2lvbmUwLjMuMGRoYXNoWCDSTLMFE1QXK7UQn5y0rnhh2W1q/fxG20gs6y00qKeO0Ghib290YWJsZfVncGVuZGlu',
  ],
  [4, 20, 'Z/RpY29uZmlybWVk9WZhY3RpdmX1//9rc3BsaXRTdGF0dXMA/1Nt'],
];

export const IMAGE_LIST_RESPONSE_PACKET =
  '0101007b00010000bf66696d61676573' +
  '9fbf64736c6f74006776657273696f6e' +
  '65302e332e30646861736858' +
  '20d24cb3051354172bb5109f9cb4ae7861d96d6afdfc46db482ceb2d34a8a78ed0' +
  '68626f6f7461626c65f56770656e64696e67f4' +
  '69636f6e6669726d6564f566616374697665f5ffff' +
  '6b73706c6974537461747573' +
  '00ff';

/** Zephyr os_mgmt_info test: an OS info (group 0, id 7) request for format "s" and its answer. */
export const OS_INFO_REQUEST_PACKET = '0000000b00000107bf66666f726d61746173ff';
export const OS_INFO_RESPONSE_PACKET = '0100001000000107bf666f7574707574665a6570687972ff';

/** Zephyr smp_version test answers: version 1 `rc: 3`, version 2 `err: {group 0, rc 2}`, and `rc: 13`. */
export const SMP_V1_ERROR_RESPONSE = '0100000600000107bf62726303ff';
export const SMP_V2_ERROR_RESPONSE = '0900001300000107bf63657272bf6567726f757000627263' + '02ffff';
export const SMP_TOO_NEW_RESPONSE = '0900000600000107bf6272630dff';
