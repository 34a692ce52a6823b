/**
 * The controller's diagnostics in the shared DeviceDiagnostics shape (drivers/diagnostics.ts), made from
 * real protocol exchanges: an echo, the image list (firmware version), the kiosk group's status; plus
 * the client's round-trip times and error counts since start.
 */
import type { DeviceDiagnostics, SelfTestResult } from '../drivers/diagnostics';
import { kioskStatus, type KioskStatus } from './kiosk-group';
import { echo, imageList, slotFlags, type ImageSlot } from './mcumgr-commands';
import type { SmpClient } from './smp-client';
import { isNotSupported } from './smp-errors';

/** Error kinds always listed, at 0 when none happened, so a technician sees they were counted. */
const COUNTED = ['crc', 'timeout', 'resync', 'disconnect'] as const;

export async function controllerDiagnostics(
  client: SmpClient,
  opts: { readonly id: string },
): Promise<DeviceDiagnostics> {
  const selfTest: SelfTestResult[] = [];
  const advice: string[] = [];
  const timed = async <T>(
    name: string,
    run: () => Promise<{ passed: boolean; detail: string; value?: T }>,
  ) => {
    const started = performance.now();
    const r = await run();
    selfTest.push({
      name,
      passed: r.passed,
      detail: r.detail,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
    return r.value;
  };

  const echoed = await timed('echo', async () => {
    const r = await echo(client, 'ogas-self-test');
    return r.ok
      ? { passed: true, detail: `answered in ${r.value.rttMs.toFixed(1)} ms`, value: true }
      : { passed: false, detail: r.error.message, value: false };
  });
  const images = await timed<ImageSlot[]>('image list', async () => {
    const r = await imageList(client);
    if (!r.ok) return { passed: false, detail: r.error.message };
    const active = r.value.find((s) => s.active);
    const detail = r.value.map((s) => `slot ${s.slot} ${s.version} [${slotFlags(s).join(' ')}]`).join('; ');
    return {
      passed: active !== undefined,
      detail: active ? detail : `no active image listed: ${detail}`,
      value: r.value,
    };
  });
  const status = await timed<KioskStatus>('kiosk status', async () => {
    const r = await kioskStatus(client);
    if (r.ok)
      return {
        passed: true,
        detail: `lid ${r.value.lid}, power ${r.value.power} ${r.value.batteryPercent} %, printer ${r.value.printer}`,
        value: r.value,
      };
    if (r.error.kind === 'device-error' && isNotSupported(r.error))
      return {
        passed: false,
        detail: 'the firmware has no kiosk group (64): it is not the OGAS controller firmware',
      };
    return { passed: false, detail: r.error.message };
  });

  const errors: Record<string, number> = Object.fromEntries(COUNTED.map((k) => [k, 0]));
  Object.assign(errors, client.errors.snapshot());
  const present = echoed === true;
  if (!present)
    advice.push(
      `No answer on ${client.link.path ?? client.link.description}: check the controller's USB cable and power, then the port name.`,
    );
  if (images === undefined && present)
    advice.push('The controller answers but not its image list: its firmware may be damaged; reflash it.');
  if (status === undefined && present && images !== undefined)
    advice.push(
      'Flash the OGAS controller firmware: this one lacks the kiosk group, so tamper, printer and light do not work.',
    );
  if ((errors['crc'] ?? 0) > 0)
    advice.push(
      'CRC errors were seen: check the cable (shielding, length) and that nothing else uses the port.',
    );
  if (status?.lid === 'open')
    advice.push('The enclosure lid is open: close it, and report the opening if it was not planned.');
  if (status?.power === 'battery')
    advice.push(`Running on battery (${status.batteryPercent} %): restore mains power.`);
  if (status?.printer === 'jammed')
    advice.push('The receipt printer is jammed: open its cover and clear the paper.');
  if (status?.printer === 'paper-out') advice.push('The receipt printer is out of paper: load a new roll.');
  if (status?.printer === 'offline')
    advice.push('The receipt printer does not answer the controller: check its cable.');

  const active = images?.find((s) => s.active);
  return {
    kind: 'peripheral-controller',
    id: opts.id,
    real: client.link.real,
    present,
    identity: present
      ? {
          description: `enclosure controller (SMP) on ${client.link.description}`,
          model: status ? 'OGAS enclosure controller' : 'Zephyr/MCUboot SMP device',
          ...(active ? { firmwareVersion: active.version } : {}),
          ...(client.link.path ? { path: client.link.path } : {}),
        }
      : null,
    selfTest,
    latency: client.latency.stats(),
    errorCounts: errors,
    advice,
    checkedAt: new Date().toISOString(),
  };
}
