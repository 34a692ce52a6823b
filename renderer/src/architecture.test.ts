/**
 * DESIGN §1, §2: the renderer imports only the RPC types of main/, never runtime code, and nothing of
 * Node; it runs sandboxed under a strict CSP, stores nothing of a voter's, and talks to nobody but its
 * backend. These checks read the source, so a change that breaks a rule fails here by name.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !path.includes('test-support')
      ? [path]
      : [];
  });
}

/** Code without comments (comments may name what the code avoids). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const FILES = sources(SRC).map((path) => ({
  name: relative(SRC, path),
  text: code(readFileSync(path, 'utf8')),
}));

describe('renderer architecture', () => {
  it('has sources to check', () => {
    expect(FILES.length).toBeGreaterThan(20);
  });

  it('imports main/ only as types', () => {
    for (const file of FILES) {
      for (const m of file.text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        if (m[2]!.includes('/main/')) expect(m[1], `${file.name} imports ${m[2]} at runtime`).toBe('type ');
      }
    }
  });

  it('imports no Node built-in module', () => {
    for (const file of FILES) {
      expect(file.text, file.name).not.toMatch(/from\s+'node:/);
      expect(file.text, file.name).not.toMatch(/from\s+'(fs|path|child_process|os|crypto)'/);
    }
  });

  it('uses no storage but the token in sessionStorage (rpc/token.ts), and no cookies', () => {
    for (const file of FILES) {
      expect(file.text, file.name).not.toMatch(/localStorage|indexedDB|document\.cookie/);
      if (file.name !== join('rpc', 'token.ts'))
        expect(file.text, file.name).not.toMatch(/sessionStorage\.(set|get)Item/);
    }
  });

  it('has nothing the CSP would refuse: no eval, no inline HTML, no inline style attribute', () => {
    for (const file of FILES) {
      expect(file.text, file.name).not.toMatch(/dangerouslySetInnerHTML|innerHTML|new Function|\beval\(/);
      expect(file.text, file.name).not.toMatch(/\sstyle=\{/);
    }
  });

  it('fetches nothing but its own backend', () => {
    for (const file of FILES) expect(file.text, file.name).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
  });
});
