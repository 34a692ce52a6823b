/**
 * The demo's election folder (`ogas election demo`, main/election-demo): made at first start, reused
 * while its window is open, made again once the election is over. Its demo.json names the cards,
 * passports, keys and trust file the demo kiosk, its embedded ledger and its dev dock use.
 */
import { existsSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseCardFile } from '../../drivers/pkcs11/test-ca';
import { isCardRole } from '../../protocol/roles';
import { buildDemoElection, writeDemoElection, type DemoOptions } from '../election-demo';
import type { DemoCard, DemoDocument } from './dev-dock';

const HOUR = 3_600_000;

const DemoIndexSchema = z.object({
  electionId: z.string(),
  package: z.string(),
  trust: z.string(),
  provisioningBundle: z.string(),
  ca: z.object({ voters: z.string(), officials: z.string() }),
  cards: z.array(
    z.object({
      file: z.string(),
      role: z.string(),
      kind: z.string(),
      pin: z.string(),
      holder: z.string().optional(),
    }),
  ),
  documents: z.array(
    z.object({ file: z.string(), holder: z.string(), credentialKey: z.string(), selected: z.boolean() }),
  ),
  ledger: z.object({
    origin: z.string(),
    key: z.string(),
    witnesses: z.array(z.object({ name: z.string(), key: z.string() })),
  }),
  window: z.object({ opens: z.string(), closes: z.string(), drainHours: z.number().optional() }),
});
export type DemoIndex = z.infer<typeof DemoIndexSchema>;

export interface DemoElectionFolder {
  readonly dir: string;
  readonly index: DemoIndex;
}

async function readIndex(dir: string): Promise<DemoIndex | null> {
  const path = join(dir, 'demo.json');
  if (!existsSync(path)) return null;
  const parsed = DemoIndexSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** The demo election in `dir`, made (or made again when over) as needed. */
export async function ensureDemoElection(
  dir: string,
  now: Date,
  options: DemoOptions = {},
): Promise<{ folder: DemoElectionFolder; created: boolean }> {
  const index = await readIndex(dir);
  // Reused while check-ins are still possible for at least an hour.
  if (index && Date.parse(index.window.closes) - now.getTime() > HOUR) {
    return { folder: { dir, index }, created: false };
  }
  if (existsSync(dir)) await rename(dir, `${dir}.old-${now.getTime()}`);
  const demo = await buildDemoElection({ now, ...options });
  await writeDemoElection(dir, demo);
  const fresh = await readIndex(dir);
  if (!fresh) throw new Error(`the demo election written to ${dir} has no readable demo.json (a bug)`);
  return { folder: { dir, index: fresh }, created: true };
}

function cardDescription(c: DemoIndex['cards'][number]): string {
  switch (c.kind) {
    case 'in-sample':
      return `voter ${c.holder ?? ''}: in the sample, may vote`;
    case 'not-in-sample':
      return `voter ${c.holder ?? ''}: on the roll but not in the sample (refused)`;
    case 'not-on-roll':
      return 'voter card of someone not on the roll (unknown credential)';
    case 'expired':
      return `voter ${c.holder ?? ''}: card expired in 2021 (refused)`;
    default:
      return `${c.role} card`;
  }
}

export async function demoCards(folder: DemoElectionFolder): Promise<DemoCard[]> {
  const out: DemoCard[] = [];
  for (const c of folder.index.cards) {
    const file = parseCardFile(await readFile(join(folder.dir, c.file), 'utf8'));
    if (!isCardRole(file.role)) throw new Error(`${c.file}: unknown role ${file.role}`);
    out.push({ label: file.label, role: file.role, description: cardDescription(c), file });
  }
  return out;
}

export async function demoDocuments(folder: DemoElectionFolder): Promise<DemoDocument[]> {
  const out: DemoDocument[] = [];
  for (const d of folder.index.documents) {
    out.push({
      name: d.holder,
      description: `passport of ${d.holder}: ${d.selected ? 'in the sample, may vote' : 'on the roll but not in the sample (refused)'}`,
      content: (await readFile(join(folder.dir, d.file), 'utf8')).trimEnd(),
    });
  }
  return out;
}
