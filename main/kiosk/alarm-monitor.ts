/**
 * Device alarms for the status bar and the poll worker (issue 6 "status: device alarms e.g. tamper"):
 * the enclosure controller's events (tamper, power, printer, link; firmware-bridge DeviceEvent) and the
 * ID scanners' connection, each raised and cleared with its declared event-log id. An open enclosure
 * is a blocking alarm: no voter session starts until it is closed again (and the opening stays in the
 * log for the officials).
 */
import type { IdScanner } from '../../drivers/id-scanner/scanner';
import type { ControllerEvent } from '../../firmware-bridge/controller-monitor';
import type { KioskStatus as ControllerStatus } from '../../firmware-bridge/kiosk-group';
import type { PeripheralController } from '../../firmware-bridge/peripheral-controller';
import type { Alarm, AlarmKind } from '../rpc/api';
import type { EventLogger } from '../event-log/event-log';

type Key = `${AlarmKind}:${string}`;

export class AlarmMonitor {
  private readonly alarms = new Map<Key, Alarm>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly log: EventLogger,
    private readonly now: () => number,
    private readonly changed: () => void,
  ) {}

  list(): Alarm[] {
    return [...this.alarms.values()];
  }

  /** A blocking alarm's message (no voter may start), or null. */
  blocking(): string | null {
    return this.list().find((a) => a.blocking)?.message ?? null;
  }

  raise(kind: AlarmKind, device: string, message: string, blocking = false): void {
    const key: Key = `${kind}:${device}`;
    if (this.alarms.get(key)?.message === message) return;
    this.alarms.set(key, { kind, device, message, blocking, since: new Date(this.now()).toISOString() });
    this.changed();
  }

  clear(kind: AlarmKind, device: string): boolean {
    const had = this.alarms.delete(`${kind}:${device}`);
    if (had) this.changed();
    return had;
  }

  watchController(controller: PeripheralController): void {
    this.stops.push(controller.onEvent((e) => this.onControllerEvent(e)));
  }

  /** The controller's state at start-up (a lid already open raises the alarm at once). */
  applyControllerStatus(s: ControllerStatus): void {
    if (s.lid === 'open') this.raise('tamper', 'controller', 'The kiosk enclosure is open.', true);
    if (s.power === 'battery') this.raise('power', 'controller', `On battery (${s.batteryPercent}%).`);
    if (s.printer !== 'ready') this.raise('printer', 'controller', `Receipt printer: ${s.printer}.`);
  }

  watchScanner(scanner: IdScanner): void {
    this.stops.push(
      scanner.on('disconnected', (e) => {
        this.raise('device-missing', scanner.id, `ID scanner disconnected: ${e.reason}`);
        this.log.event('device-error', 'failure', 'An ID scanner disconnected.', {
          details: { device: safeId(scanner.id), code: 'disconnect' },
        });
      }),
      scanner.on('connected', () => this.clear('device-missing', scanner.id)),
      scanner.on('error', (e) =>
        this.log.event('device-error', 'failure', `ID scanner: ${e.message}`.slice(0, 500), {
          details: { device: safeId(scanner.id), code: e.kind },
        }),
      ),
    );
  }

  private onControllerEvent(e: ControllerEvent): void {
    const log = this.log;
    switch (e.kind) {
      case 'device':
        this.onDeviceEvent(e.event.type);
        return;
      case 'link-down':
      case 'unresponsive': {
        const message = e.kind === 'link-down' ? `Peripheral controller link down: ${e.reason}` : e.message;
        this.raise('device-missing', 'controller', message);
        log.event('controller-link', 'failure', message.slice(0, 500), { details: { device: 'controller' } });
        return;
      }
      case 'link-up':
      case 'responsive':
        if (this.clear('device-missing', 'controller')) {
          log.event('controller-link', 'success', 'The peripheral controller answers again.', {
            details: { device: 'controller' },
          });
        }
        return;
      case 'events-lost':
        log.event('device-error', 'failure', `${e.count} controller event(s) were lost.`, {
          details: { device: 'controller', code: 'events-lost', count: e.count },
        });
        return;
      case 'controller-restarted':
        log.event('device-error', 'failure', 'The peripheral controller restarted.', {
          details: { device: 'controller', code: 'restarted' },
        });
        return;
    }
  }

  private onDeviceEvent(type: string): void {
    const log = this.log;
    switch (type) {
      case 'tamper-opened':
        this.raise(
          'tamper',
          'controller',
          'The kiosk enclosure is open: voting is stopped until it is closed.',
          true,
        );
        log.event('tamper-opened', 'failure', 'The enclosure lid was opened.');
        return;
      case 'tamper-closed':
        this.clear('tamper', 'controller');
        log.event('tamper-closed', 'success', 'The enclosure lid was closed.');
        return;
      case 'power-lost':
        this.raise('power', 'controller', 'Mains power lost: the kiosk runs on its battery.');
        log.event('power-lost', 'failure', 'Mains power was lost.');
        return;
      case 'power-restored':
        this.clear('power', 'controller');
        log.event('power-restored', 'success', 'Mains power came back.');
        return;
      case 'battery-low':
        this.raise('power', 'controller', 'The battery is low: restore mains power.');
        log.event('battery-low', 'failure', 'The battery is low.');
        return;
      case 'printer-jammed':
      case 'printer-paper-out': {
        const what =
          type === 'printer-jammed'
            ? 'jammed: open the cover and clear the paper'
            : 'out of paper: load a new roll';
        this.raise('printer', 'controller', `The receipt printer is ${what}.`);
        log.event('printer-fault', 'failure', `The receipt printer is ${what}.`);
        return;
      }
      case 'printer-ready':
        this.clear('printer', 'controller');
        log.event('printer-ready', 'success', 'The receipt printer is ready.');
        return;
      default:
        log.event('device-error', 'failure', 'The controller reported an unknown event.', {
          details: { device: 'controller', code: 'unknown-event' },
        });
    }
  }

  close(): void {
    for (const stop of this.stops) stop();
    this.stops.length = 0;
  }
}

/** Device ids go into the log as codes. */
function safeId(id: string): string {
  return (
    id
      .toLowerCase()
      .replace(/[^a-z0-9._:-]/g, '-')
      .slice(0, 64) || 'device'
  );
}
