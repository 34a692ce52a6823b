/**
 * Writes a built demo election to a folder: secret files with mode 0600, the rest 0644. Refuses a
 * folder that already holds a demo's files, so a second run never mixes two elections.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DemoElection } from './build-demo';

export async function writeDemoElection(dir: string, demo: DemoElection): Promise<void> {
  const clash = demo.files.find((f) => existsSync(join(dir, f.path)));
  if (clash)
    throw new Error(
      `${join(dir, clash.path)} already exists: choose an empty folder for a new demo election`,
    );
  for (const f of demo.files) {
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content, { mode: f.secret ? 0o600 : 0o644, flag: 'wx' });
    await chmod(path, f.secret ? 0o600 : 0o644);
  }
}
