/**
 * Real SoftHSM2 tokens for tests and local trials (DESIGN §1: SoftHSM2 stands in for cards and the HSM
 * through the same pkcs11js code path). Each instance has its own token folder and SOFTHSM2_CONF in a
 * temp directory; cards are made with the tools an issuing office would use: `softhsm2-util` imports
 * the PKCS#8 key, OpenSC's `pkcs11-tool` writes the certificate with the same CKA_ID (PIV-style).
 *
 * SoftHSM2 reads its configuration and token list at C_Initialize: make the tokens, call `activate()`
 * (sets SOFTHSM2_CONF in this process), then open the Pkcs11Host; close the host before `cleanup()`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, toBase64 } from '../../protocol/bytes';
import { SOFTHSM2_MODULE } from './pkcs11-host';
import type { CardFile } from './test-ca';

/** CKA_ID given to the card's key and certificate (PIV PKI-AUTH is key reference 9A; OpenSC shows it as 01). */
export const CARD_KEY_ID = '01';
export const CARD_OBJECT_LABEL = 'PIV AUTH key';

export interface CardToImport {
  readonly label: string;
  readonly pin: string;
  /** DER */
  readonly certificate: Uint8Array;
  /** PKCS#8 DER */
  readonly privateKeyPkcs8: Uint8Array;
}

function pem(kind: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${kind}-----\n${lines.join('\n')}\n-----END ${kind}-----\n`;
}

export class SoftHsmTestTokens {
  readonly dir: string;
  readonly confPath: string;
  private readonly previousConf: string | undefined;
  private activated = false;
  private seq = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'ogas-softhsm-'));
    mkdirSync(join(this.dir, 'tokens'));
    this.confPath = join(this.dir, 'softhsm2.conf');
    writeFileSync(
      this.confPath,
      [
        `directories.tokendir = ${join(this.dir, 'tokens')}`,
        'objectstore.backend = file',
        'log.level = ERROR',
        'slots.removable = true',
        'slots.mechanisms = ALL',
        '',
      ].join('\n'),
    );
    this.previousConf = process.env.SOFTHSM2_CONF;
  }

  private run(cmd: string, args: readonly string[]): string {
    try {
      return execFileSync(cmd, args, {
        env: { ...process.env, SOFTHSM2_CONF: this.confPath },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      const { stderr, stdout } = e as { stderr?: string; stdout?: string };
      throw new Error(`${cmd} ${args[0] ?? ''} failed: ${stderr ?? ''}${stdout ?? ''}`.trim(), { cause: e });
    }
  }

  /** A new empty token with a user PIN and an SO PIN. */
  initToken(label: string, pin: string, soPin = '87654321'): void {
    this.run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin]);
  }

  /** A card token: a new token holding the private key and its certificate under CARD_KEY_ID. */
  importCard(card: CardToImport): void {
    this.initToken(card.label, card.pin);
    const base = join(this.dir, `card-${++this.seq}`);
    writeFileSync(`${base}.key.pem`, pem('PRIVATE KEY', card.privateKeyPkcs8), { mode: 0o600 });
    writeFileSync(`${base}.crt.der`, card.certificate);
    this.run('softhsm2-util', [
      '--import', `${base}.key.pem`,
      '--token', card.label,
      '--label', CARD_OBJECT_LABEL,
      '--id', CARD_KEY_ID,
      '--pin', card.pin,
    ]); // prettier-ignore
    this.run('pkcs11-tool', [
      '--module', SOFTHSM2_MODULE,
      '--token-label', card.label,
      '--login', '--pin', card.pin,
      '--write-object', `${base}.crt.der`,
      '--type', 'cert',
      '--id', CARD_KEY_ID,
      '--label', CARD_OBJECT_LABEL,
    ]); // prettier-ignore
    rmSync(`${base}.key.pem`);
  }

  importCardFile(file: CardFile): void {
    this.importCard({
      label: file.label,
      pin: file.pin,
      certificate: fromBase64(file.certificate),
      privateKeyPkcs8: fromBase64(file.privateKey),
    });
  }

  /** Points this process's SoftHSM2 at these tokens (read by the next C_Initialize). */
  activate(): void {
    process.env.SOFTHSM2_CONF = this.confPath;
    this.activated = true;
  }

  /** Removes the folder and restores SOFTHSM2_CONF. Close any Pkcs11Host on these tokens first. */
  cleanup(): void {
    if (this.activated) {
      if (this.previousConf === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = this.previousConf;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
