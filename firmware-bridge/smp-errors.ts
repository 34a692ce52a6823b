/**
 * SMP error answers, mapped to typed values with messages a technician can act on.
 *
 * SMP Protocol Specification §Minimal response: a version 1 answer carries `rc` (`enum mcumgr_err_t`,
 * mgmt_defines.h), with an optional `rsn` text (smp_group_1.rst); a version 2 answer carries
 * `err: {group, rc}` with a code from that group's own table, and still uses a bare `rc` for errors of
 * SMP itself ("SMP version 2 clients must therefore be able to handle both types of errors"). A
 * missing or zero code means success.
 */
import { KIOSK_ERROR_TABLE, KIOSK_GROUP } from './kiosk-protocol';
import { SMP_GROUP } from './smp-header';

interface CodeInfo {
  readonly name: string;
  readonly message: string;
}

/** `enum mcumgr_err_t` (zephyr/mgmt/mcumgr/mgmt/mgmt_defines.h). */
export const MGMT_ERR = {
  ok: 0,
  unknown: 1,
  noMemory: 2,
  invalid: 3,
  timeout: 4,
  noEntry: 5,
  badState: 6,
  messageSize: 7,
  notSupported: 8,
  corrupt: 9,
  busy: 10,
  accessDenied: 11,
  versionTooOld: 12,
  versionTooNew: 13,
  perUser: 256,
} as const;

const MGMT_TABLE: Readonly<Record<number, CodeInfo>> = {
  1: { name: 'EUNKNOWN', message: 'the device failed for an unknown reason' },
  2: { name: 'ENOMEM', message: 'the device ran out of memory for this request' },
  3: { name: 'EINVAL', message: 'the device found a request value invalid' },
  4: { name: 'ETIMEOUT', message: 'the operation timed out inside the device' },
  5: { name: 'ENOENT', message: 'the device has no such entry' },
  6: { name: 'EBADSTATE', message: "the device's current state does not allow this command" },
  7: { name: 'EMSGSIZE', message: 'the answer would be larger than the device can send' },
  8: { name: 'ENOTSUP', message: 'the device does not support this command' },
  9: { name: 'ECORRUPT', message: 'the device reports corrupt data' },
  10: { name: 'EBUSY', message: 'the device is busy with another command; try again' },
  11: { name: 'EACCESSDENIED', message: 'the device denied access to this command' },
  12: { name: 'UNSUPPORTED_TOO_OLD', message: 'the device refuses this SMP version as too old' },
  13: { name: 'UNSUPPORTED_TOO_NEW', message: 'the device does not speak SMP version 2' },
};

/** `enum os_mgmt_err_code_t` (zephyr/mgmt/mcumgr/grp/os_mgmt/os_mgmt.h). */
const OS_TABLE: Readonly<Record<number, CodeInfo>> = {
  1: { name: 'UNKNOWN', message: 'the OS group failed for an unknown reason' },
  2: { name: 'INVALID_FORMAT', message: 'the format value is not valid' },
  3: { name: 'QUERY_YIELDS_NO_ANSWER', message: 'the query was not recognised' },
  4: { name: 'RTC_NOT_SET', message: "the device's clock is not set" },
  5: { name: 'RTC_COMMAND_FAILED', message: "setting the device's clock failed" },
  6: { name: 'QUERY_RESPONSE_VALUE_NOT_VALID', message: 'the query has no valid answer' },
  7: { name: 'HEAP_STATS_FETCH_FAILED', message: 'reading heap statistics failed' },
};

/** `enum img_mgmt_err_code_t` (zephyr/mgmt/mcumgr/grp/img_mgmt/img_mgmt.h). */
const IMAGE_TABLE: Readonly<Record<number, CodeInfo>> = Object.fromEntries(
  (
    [
      ['UNKNOWN', 'the image group failed for an unknown reason'],
      ['FLASH_CONFIG_QUERY_FAIL', 'querying the flash configuration failed'],
      ['NO_IMAGE', 'there is no image in that slot'],
      ['NO_TLVS', 'the image has no TLV area'],
      ['INVALID_TLV', 'the image has an invalid TLV'],
      ['TLV_MULTIPLE_HASHES_FOUND', 'the image has more than one hash TLV'],
      ['TLV_INVALID_SIZE', 'the image TLV area has an invalid size'],
      ['HASH_NOT_FOUND', 'the image has no hash TLV'],
      ['NO_FREE_SLOT', 'there is no free slot for the image'],
      ['FLASH_OPEN_FAILED', 'opening the flash area failed'],
      ['FLASH_READ_FAILED', 'reading flash failed'],
      ['FLASH_WRITE_FAILED', 'writing flash failed'],
      ['FLASH_ERASE_FAILED', 'erasing flash failed'],
      ['INVALID_SLOT', 'that slot is not valid'],
      ['NO_FREE_MEMORY', 'the device ran out of heap memory'],
      ['FLASH_CONTEXT_ALREADY_SET', 'the flash context is already set'],
      ['FLASH_CONTEXT_NOT_SET', 'the flash context is not set'],
      ['FLASH_AREA_DEVICE_NULL', 'the flash area has no device'],
      ['INVALID_PAGE_OFFSET', 'the page offset is invalid'],
      ['INVALID_OFFSET', 'the upload offset is missing or wrong'],
      ['INVALID_LENGTH', 'the upload length is missing or wrong'],
      ['INVALID_IMAGE_HEADER', 'the image is shorter than an MCUboot header'],
      ['INVALID_IMAGE_HEADER_MAGIC', 'the file is not an MCUboot image (bad header magic)'],
      ['INVALID_HASH', 'the image hash is not valid'],
      ['INVALID_FLASH_ADDRESS', 'the image load address does not match the slot'],
      ['VERSION_GET_FAILED', 'the device could not read its running version'],
      ['CURRENT_VERSION_IS_NEWER', 'the running firmware is newer than this image'],
      ['IMAGE_ALREADY_PENDING', 'another image is already pending; reset or confirm first'],
      ['INVALID_IMAGE_VECTOR_TABLE', 'the image vector table is invalid'],
      ['INVALID_IMAGE_TOO_LARGE', 'the image is too large for the slot'],
      ['INVALID_IMAGE_DATA_OVERRUN', 'more data was sent than the image length'],
      ['IMAGE_CONFIRMATION_DENIED', 'the device denied confirming the image'],
      ['IMAGE_SETTING_TEST_TO_ACTIVE_DENIED', 'the running image cannot be marked for test'],
      ['ACTIVE_SLOT_NOT_KNOWN', 'the device does not know its active slot'],
    ] as const
  ).map(([name, message], i) => [i + 1, { name, message }]),
);

const GROUP_TABLES: Readonly<Record<number, { name: string; codes: Readonly<Record<number, CodeInfo>> }>> = {
  [SMP_GROUP.os]: { name: 'OS group', codes: OS_TABLE },
  [SMP_GROUP.image]: { name: 'image group', codes: IMAGE_TABLE },
  [KIOSK_GROUP]: { name: 'kiosk group', codes: KIOSK_ERROR_TABLE },
};

/** An error the device answered with (as opposed to a transport failure). */
export interface SmpDeviceError {
  readonly kind: 'device-error';
  /** The group of a version 2 `err`, or null for a bare `rc` (SMP itself, or a version 1 device). */
  readonly group: number | null;
  readonly rc: number;
  readonly name: string;
  readonly message: string;
  /** The device's own `rsn` text when it sent one. */
  readonly reason?: string;
}

/** The error in an SMP answer, or null when it reports success. */
export function deviceErrorOf(body: Readonly<Record<string, unknown>>): SmpDeviceError | null {
  const e = body['err'];
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
    const group = (e as Record<string, unknown>)['group'];
    const rc = (e as Record<string, unknown>)['rc'];
    if (isCode(group) && isCode(rc) && rc !== 0) return describeGroupError(group, rc);
  }
  const rc = body['rc'];
  if (typeof rc === 'number' && Number.isInteger(rc) && rc !== 0) {
    const rsn = body['rsn'];
    const base = describeMgmtError(rc);
    return typeof rsn === 'string' && rsn !== '' ? { ...base, reason: rsn } : base;
  }
  return null;
}

export function describeMgmtError(rc: number): SmpDeviceError {
  const info = MGMT_TABLE[rc];
  if (info)
    return { kind: 'device-error', group: null, rc, name: info.name, message: `${info.message} (rc ${rc})` };
  if (rc >= MGMT_ERR.perUser)
    return { kind: 'device-error', group: null, rc, name: 'EPERUSER', message: `application error ${rc}` };
  return { kind: 'device-error', group: null, rc, name: 'UNKNOWN_RC', message: `device error code ${rc}` };
}

export function describeGroupError(group: number, rc: number): SmpDeviceError {
  const table = GROUP_TABLES[group];
  const info = table?.codes[rc];
  const where = table?.name ?? `group ${group}`;
  if (info)
    return {
      kind: 'device-error',
      group,
      rc,
      name: info.name,
      message: `${info.message} (${where} error ${rc})`,
    };
  return { kind: 'device-error', group, rc, name: 'UNKNOWN_RC', message: `${where} error ${rc}` };
}

/** True when the device says it has no handler for a group or command (a plain Zephyr build). */
export function isNotSupported(e: SmpDeviceError): boolean {
  return e.group === null && e.rc === MGMT_ERR.notSupported;
}

function isCode(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;
}
