/**
 * MCUboot images, chunked upload, resumption from the device's offset, and the whole test-then-confirm
 * update, over the in-memory link to the emulator (the pty version of the interrupted upload is in
 * pty.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../protocol/bytes';
import { sha256 } from '../protocol/hash';
import { emulatedController } from './controller-factory';
import { uploadImage } from './image-upload';
import { buildMcubootImage, parseMcubootImage, parseVersion, versionString } from './mcuboot-image';
import { imageList, setImageState } from './mcumgr-commands';
import type { SmpPeripheralController } from './peripheral-controller';
import { IMAGE_LIST_RESPONSE_PACKET } from './testdata/mcumgr-doc-vectors';

let opened: SmpPeripheralController[] = [];
afterEach(async () => {
  await Promise.all(opened.map((c) => c.close()));
  opened = [];
});

async function connected(bufSize = 512) {
  const r = await emulatedController({
    emulator: { bufSize, rebootMs: 30 },
    controller: { timeoutMs: 150, retries: 2, eventPollMs: 1000, heartbeatMs: 1000 },
  });
  opened.push(r.controller);
  const info = await r.controller.connect();
  if (!info.ok) throw new Error(info.error.message);
  return r;
}

const image = (version: string, size: number) => {
  const v = parseVersion(version);
  if (!v.ok) throw new Error(v.error);
  return buildMcubootImage(v.value, randomBytes(size));
};

describe('MCUboot images', () => {
  it('build and parse round-trip, with the hash over header and body', () => {
    const file = image('1.2.3.4', 1000);
    const p = parseMcubootImage(file);
    expect(p).toMatchObject({
      ok: true,
      value: { versionString: '1.2.3.4', hashValid: true, bodyLength: 1000 },
    });
    if (p.ok) expect(toHex(p.value.hash)).toBe(toHex(sha256(file.subarray(0, 32 + 1000))));
    expect(versionString({ major: 0, minor: 3, revision: 0, build: 0 })).toBe('0.3.0');
  });
  it('refuse files that are not MCUboot images, or are damaged', () => {
    expect(parseMcubootImage(new Uint8Array(40))).toMatchObject({
      ok: false,
      error: 'not an MCUboot image: the header magic is not 0x96f3b83d',
    });
    const file = image('1.0.0', 64);
    expect(parseMcubootImage(file.subarray(0, 90)).ok).toBe(false);
    const damaged = Uint8Array.from(file);
    damaged[40] = damaged[40]! ^ 1;
    expect(parseMcubootImage(damaged)).toMatchObject({ ok: true, value: { hashValid: false } });
    expect(parseVersion('1.2')).toMatchObject({ ok: false });
    expect(parseVersion('256.0.0')).toMatchObject({ ok: false });
  });
  it('agree with the hash the protocol.md image list reports as a 32-byte "hash" field', () => {
    // The listed hash is the image's IMAGE_TLV_SHA256: 32 bytes, shown as 64 hex digits.
    expect(IMAGE_LIST_RESPONSE_PACKET).toContain('5820' + 'd24cb305');
  });
});

describe('image upload', () => {
  it('uploads in chunks that fit the device buffer and lands in slot 1, hash-checked', async () => {
    const { controller, emulator } = await connected(512);
    const file = image('1.1.0', 20_000);
    const progress: number[] = [];
    const r = await uploadImage(controller.client, file, { onProgress: (p) => progress.push(p.offset) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.chunkBytes).toBeLessThanOrEqual(512 - 4 - 8);
    expect(r.value.chunks).toBe(Math.ceil(file.length / r.value.chunkBytes));
    expect(r.value).toMatchObject({
      bytes: file.length,
      sha256: toHex(sha256(file)),
      version: '1.1.0',
      deviceMatch: true,
      resumes: [],
    });
    expect(r.value.slot).toMatchObject({ slot: 1, version: '1.1.0', active: false, pending: false });
    expect(progress.at(-1)).toBe(file.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(emulator.snapshot().images.map((i) => i.version)).toEqual(['1.0.0', '1.1.0']);
  });

  it('resumes from the offset the device reports after the link drops mid-way', async () => {
    const { controller, emulator } = await connected(512);
    const file = image('1.1.0', 30_000);
    let cut = false;
    const r = await uploadImage(controller.client, file, {
      reconnectWaitMs: 5000,
      onProgress: (p) => {
        if (!cut && p.offset > file.length / 2) {
          cut = true;
          void emulator.disconnect(100);
        }
      },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.resumes).toHaveLength(1);
    const resumedAt = r.value.resumes[0]!.deviceOffset;
    expect(resumedAt).toBeGreaterThan(file.length / 2);
    // Only the chunks after the device's offset went again, plus the one handshake chunk.
    expect(r.value.chunks).toBeLessThanOrEqual(Math.ceil(file.length / r.value.chunkBytes) + 2);
    expect(controller.client.errors.snapshot()['disconnect']).toBe(1);
    expect(r.value.slot.hash).toBe(
      toHex((parseMcubootImage(file) as { ok: true; value: { hash: Uint8Array } }).value.hash),
    );
  });

  it('starts over when the device lost the session (it restarted)', async () => {
    const { controller, emulator } = await connected(512);
    const file = image('1.2.0', 8000);
    let reset = false;
    const offsets: number[] = [];
    const r = await uploadImage(controller.client, file, {
      chunkTimeoutMs: 150,
      onProgress: (p) => {
        offsets.push(p.offset);
        if (!reset && p.offset > 3000) {
          reset = true;
          emulator.reset();
        }
      },
    });
    expect(r).toMatchObject({ ok: true, value: { version: '1.2.0', rewinds: 1 } });
    const back = offsets.findIndex((o, i) => i > 0 && o < offsets[i - 1]!);
    expect(offsets[back - 1]).toBeGreaterThan(3000);
    expect(offsets[back]).toBeLessThan(1000);
  });

  it('refuses a file that is not an MCUboot image, or a damaged one, before sending anything', async () => {
    const { controller, emulator } = await connected();
    const before = emulator.snapshot().requests;
    expect(await uploadImage(controller.client, randomBytes(5000))).toMatchObject({
      ok: false,
      error: { kind: 'invalid-image' },
    });
    const damaged = image('1.0.1', 500);
    damaged[100] = damaged[100]! ^ 0xff;
    expect(await uploadImage(controller.client, damaged)).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid-image',
        message: 'the image SHA-256 TLV does not match its contents: the file is damaged',
      },
    });
    expect(emulator.snapshot().requests).toBe(before);
  });

  it('passes on the device refusing an upload while another image is pending', async () => {
    const { controller } = await connected();
    const first = await uploadImage(controller.client, image('1.1.0', 2000));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(
      (
        await setImageState(controller.client, {
          hash: Buffer.from(first.value.imageHash, 'hex'),
          confirm: false,
        })
      ).ok,
    ).toBe(true);
    expect(await uploadImage(controller.client, image('1.2.0', 2000))).toMatchObject({
      ok: false,
      error: { kind: 'device-error', group: 1, rc: 9, name: 'NO_FREE_SLOT' },
    });
  });
});

describe('firmware update (upload, test, reset, confirm)', () => {
  it('ends with the new image active and confirmed, the old one kept in slot 1', async () => {
    const { controller } = await connected(1024);
    const r = await controller.updateFirmware(image('2.0.0', 12_000), { rebootWaitMs: 5000 });
    expect(r).toMatchObject({ ok: true, value: { previousVersion: '1.0.0', version: '2.0.0' } });
    const list = await imageList(controller.client);
    expect(list.ok && list.value.map((s) => [s.slot, s.version, s.active, s.confirmed])).toEqual([
      [0, '2.0.0', true, true],
      [1, '1.0.0', false, false],
    ]);
  });

  it('a test image that is never confirmed is reverted at the next reset (MCUboot semantics in the emulator)', async () => {
    const { controller, emulator } = await connected(1024);
    const up = await uploadImage(controller.client, image('2.0.0', 3000));
    expect(up.ok).toBe(true);
    if (!up.ok) return;
    await setImageState(controller.client, { hash: Buffer.from(up.value.imageHash, 'hex'), confirm: false });
    emulator.reset();
    await new Promise((r) => setTimeout(r, 60));
    expect(emulator.snapshot().images.map((i) => [i.version, i.flags])).toEqual([
      ['2.0.0', ['bootable', 'active']],
      ['1.0.0', ['bootable', 'confirmed']],
    ]);
    emulator.reset();
    await new Promise((r) => setTimeout(r, 60));
    expect(emulator.snapshot().images[0]).toMatchObject({
      version: '1.0.0',
      flags: ['bootable', 'confirmed', 'active'],
    });
  });
});
