import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../bytes';
import { EMPTY_ROOT, leafHash, nodeHash } from './hash';

// Expected values from transparency-dev/merkle rfc6962/rfc6962_test.go (computed there with sha256sum).
describe('RFC 9162 §2.1.1 hashing', () => {
  it('empty root is SHA-256 of the empty string', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('leaf hash prefixes 0x00', () => {
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(toHex(leafHash(utf8('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
  });

  it('node hash prefixes 0x01 and depends on order', () => {
    expect(toHex(nodeHash(utf8('N123'), utf8('N456')))).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
    const a = leafHash(utf8('Hello'));
    const b = leafHash(utf8('World'));
    expect(toHex(nodeHash(a, b))).not.toBe(toHex(nodeHash(b, a)));
    expect(toHex(nodeHash(a, b))).not.toBe(toHex(leafHash(new Uint8Array([...a, ...b]))));
  });
});
