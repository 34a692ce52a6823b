/**
 * The firmware bridge's costs (one core): SMP serial framing both ways (encode a packet into 127-byte
 * frames; feed a stream through the decoder state machine), and a whole SMP echo round trip and a
 * 64 KiB image upload through the in-memory link to the in-process emulator (host and device framing,
 * CBOR and dispatch; no serial line, so this is the software's share of the latency).
 */
import { randomBytes } from 'node:crypto';
import { emulatedController } from '../firmware-bridge/controller-factory';
import { FrameDecoder } from '../firmware-bridge/frame-decoder';
import { uploadImage } from '../firmware-bridge/image-upload';
import { buildMcubootImage } from '../firmware-bridge/mcuboot-image';
import { echo } from '../firmware-bridge/mcumgr-commands';
import { encodePacketForSerial } from '../firmware-bridge/serial-framing';
import { measure, type Report } from './report';

export async function run(report: Report): Promise<void> {
  const packet = randomBytes(1024);
  const encode = measure(() => encodePacketForSerial(packet));
  report('encode a 1 KiB packet into frames', (encode.opsPerSecond * 1024) / 1e6, 'MB/s', 'packet bytes');

  const stream = encodePacketForSerial(packet);
  const decoder = new FrameDecoder();
  const decode = measure(() => decoder.push(stream));
  report(
    'decode frames of a 1 KiB packet',
    (decode.opsPerSecond * stream.length) / 1e6,
    'MB/s',
    'line bytes (base64 + framing)',
  );

  const { controller } = await emulatedController({
    controller: { heartbeatMs: 60_000, eventPollMs: 60_000 },
  });
  const info = await controller.connect();
  if (!info.ok) throw new Error(info.error.message);
  const rtts: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const r = await echo(controller.client, `bench ${i}`);
    if (!r.ok) throw new Error(r.error.message);
    if (i >= 200) rtts.push(r.value.rttMs);
  }
  rtts.sort((a, b) => a - b);
  report(
    'SMP echo round trip, in memory, p50',
    rtts[Math.floor(rtts.length / 2)]!,
    'ms',
    '1,800 echoes after 200 warm-up',
  );
  report('SMP echo round trip, in memory, p99', rtts[Math.floor(rtts.length * 0.99)]!, 'ms');

  const image = buildMcubootImage({ major: 9, minor: 0, revision: 0, build: 0 }, randomBytes(64 * 1024));
  const started = performance.now();
  const up = await uploadImage(controller.client, image);
  if (!up.ok) throw new Error(up.error.message);
  const seconds = (performance.now() - started) / 1000;
  report(
    'image upload, in memory, 2 KiB device buffer',
    image.length / 1024 / seconds,
    'KiB/s',
    `${up.value.chunks} chunks`,
  );
  await controller.close();
}
