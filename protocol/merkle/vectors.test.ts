/**
 * Every transparency-dev/merkle test vector (test/vectors/merkle, a copy of shared/vectors; Apache-2.0) through our verifiers:
 * one test per file, asserting the file's verdict (`wantErr`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConsistency, verifyInclusion } from './verify';

const VECTORS = join(import.meta.dirname, '../../test/vectors/merkle');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

// The vectors hold Go values: base64 strings ("" for empty bytes), null for an empty proof.
function bytes(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function proofOf(list: string[] | null): Uint8Array[] {
  return (list ?? []).map(bytes);
}

const inclusionFiles = filesUnder(join(VECTORS, 'inclusion'));
const consistencyFiles = filesUnder(join(VECTORS, 'consistency'));

describe('transparency-dev inclusion vectors (RFC 9162 §2.1.3.2)', () => {
  it('are all present', () => expect(inclusionFiles.length).toBe(86));
  for (const file of inclusionFiles) {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    it(`${relative(VECTORS, file)}: ${v.desc} → ${v.wantErr ? 'refused' : 'accepted'}`, () => {
      const result = verifyInclusion(
        v.leafIdx,
        v.treeSize,
        bytes(v.leafHash),
        proofOf(v.proof),
        bytes(v.root),
      );
      expect(result.ok, result.ok ? 'accepted' : result.error).toBe(!v.wantErr);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(10);
    });
  }
});

describe('transparency-dev consistency vectors (RFC 9162 §2.1.4.2)', () => {
  it('are all present', () => expect(consistencyFiles.length).toBe(84));
  for (const file of consistencyFiles) {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    it(`${relative(VECTORS, file)}: ${v.desc} → ${v.wantErr ? 'refused' : 'accepted'}`, () => {
      const result = verifyConsistency(v.size1, v.size2, proofOf(v.proof), bytes(v.root1), bytes(v.root2));
      expect(result.ok, result.ok ? 'accepted' : result.error).toBe(!v.wantErr);
    });
  }
});
