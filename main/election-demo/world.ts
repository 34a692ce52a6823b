/**
 * The demo election's world: 24 countries (ISO 3166-1 alpha-3, as in an MRZ), a few with states and
 * blocks, in three languages, and the contests and ballot styles built from them (DESIGN §4):
 * - `charter`: the global proposal, country-supermajority (a country approves with more than 1/2 of
 *   its eligible voters; the proposal passes with more than 7/10 of all countries);
 * - `<country>-national`: one majority contest per country;
 * - `<state>-council`: majority contests per state (one of them multi-choice);
 * - `<block>-budget`: majority contests per block.
 * All names are invented; no real person or office is meant.
 */
import type { BallotStyle, Contest, District } from '../../protocol/election/schema';

export const DEMO_LANGUAGES = ['en', 'fr', 'es'] as const;
type Text = Record<(typeof DEMO_LANGUAGES)[number], string>;

export interface DemoState {
  readonly id: string;
  readonly name: string;
  readonly blocks: readonly { readonly id: string; readonly name: string }[];
}

export interface DemoCountry {
  readonly id: string;
  readonly name: string;
  readonly states: readonly DemoState[];
}

const simple = (id: string, name: string): DemoCountry => ({ id, name, states: [] });

export const DEMO_COUNTRIES: readonly DemoCountry[] = [
  {
    id: 'USA',
    name: 'United States',
    states: [
      { id: 'USA-CA', name: 'California', blocks: [{ id: 'USA-CA-SF', name: 'San Francisco' }] },
      { id: 'USA-NY', name: 'New York', blocks: [] },
    ],
  },
  {
    id: 'DEU',
    name: 'Germany',
    states: [{ id: 'DEU-BY', name: 'Bavaria', blocks: [{ id: 'DEU-BY-MUC', name: 'Munich' }] }],
  },
  {
    id: 'FRA',
    name: 'France',
    states: [{ id: 'FRA-IDF', name: 'Île-de-France', blocks: [{ id: 'FRA-IDF-PAR', name: 'Paris' }] }],
  },
  { id: 'BRA', name: 'Brazil', states: [{ id: 'BRA-SP', name: 'São Paulo', blocks: [] }] },
  {
    id: 'IND',
    name: 'India',
    states: [{ id: 'IND-MH', name: 'Maharashtra', blocks: [{ id: 'IND-MH-MUM', name: 'Mumbai' }] }],
  },
  simple('CAN', 'Canada'),
  simple('MEX', 'Mexico'),
  simple('ARG', 'Argentina'),
  simple('GBR', 'United Kingdom'),
  simple('ITA', 'Italy'),
  simple('ESP', 'Spain'),
  simple('PRT', 'Portugal'),
  simple('NLD', 'Netherlands'),
  simple('POL', 'Poland'),
  simple('SWE', 'Sweden'),
  simple('NOR', 'Norway'),
  simple('GRC', 'Greece'),
  simple('JPN', 'Japan'),
  simple('KOR', 'Republic of Korea'),
  simple('NGA', 'Nigeria'),
  simple('KEN', 'Kenya'),
  simple('ZAF', 'South Africa'),
  simple('AUS', 'Australia'),
  simple('NZL', 'New Zealand'),
];

const YES_NO = (yes: Text, no: Text) => [
  { id: 'yes', label: yes },
  { id: 'no', label: no },
];
const YES: Text = { en: 'Yes', fr: 'Oui', es: 'Sí' };
const NO: Text = { en: 'No', fr: 'Non', es: 'No' };

export const DEMO_TITLE: Text = {
  en: 'OGAS demo election: the founding charter',
  fr: 'Élection de démonstration OGAS : la charte fondatrice',
  es: 'Elección de demostración OGAS: la carta fundacional',
};

export function demoDistricts(): District[] {
  const out: District[] = [];
  for (const c of DEMO_COUNTRIES) {
    out.push({ id: c.id, kind: 'country', parent: null });
    for (const s of c.states) {
      out.push({ id: s.id, kind: 'state', parent: c.id });
      for (const b of s.blocks) out.push({ id: b.id, kind: 'block', parent: s.id });
    }
  }
  return out;
}

function contestId(districtId: string, suffix: string): string {
  return `${districtId.toLowerCase()}-${suffix}`;
}

/** The global proposal plus national, state and block contests. */
export function demoContests(): Contest[] {
  const contests: Contest[] = [
    {
      id: 'charter',
      scope: 'global',
      question: {
        en: 'Do you approve the founding charter?',
        fr: 'Approuvez-vous la charte fondatrice ?',
        es: '¿Aprueba usted la carta fundacional?',
      },
      options: YES_NO(YES, NO),
      maxChoices: 1,
      rule: {
        kind: 'country-supermajority',
        countryThreshold: { num: 1, den: 2 },
        passThreshold: { num: 7, den: 10 },
        base: 'eligible',
      },
    },
  ];
  for (const [ci, c] of DEMO_COUNTRIES.entries()) {
    contests.push({
      id: contestId(c.id, 'national'),
      scope: c.id,
      question: {
        en: `${c.name}: adopt the national budget?`,
        fr: `${c.name} : adopter le budget national ?`,
        es: `${c.name}: ¿aprobar el presupuesto nacional?`,
      },
      options: YES_NO(YES, NO),
      maxChoices: 1,
      rule: { kind: 'majority' },
    });
    for (const [si, s] of c.states.entries()) {
      // One state contest is multi-choice (two seats), to exercise maxChoices > 1 end to end.
      const seats = ci === 0 && si === 0 ? 2 : 1;
      contests.push({
        id: contestId(s.id, 'council'),
        scope: s.id,
        question: {
          en: `${s.name} council: choose ${seats === 2 ? 'up to two candidates' : 'one candidate'}`,
          fr: `Conseil de ${s.name} : choisissez ${seats === 2 ? "jusqu'à deux candidats" : 'un candidat'}`,
          es: `Consejo de ${s.name}: elija ${seats === 2 ? 'hasta dos candidatos' : 'un candidato'}`,
        },
        options: ['Avery Stone', 'Blake Rivera', 'Casey Moreau'].map((name, i) => ({
          id: `candidate-${i + 1}`,
          label: { en: name, fr: name, es: name },
        })),
        maxChoices: seats,
        rule: { kind: 'majority' },
      });
      for (const b of s.blocks) {
        contests.push({
          id: contestId(b.id, 'budget'),
          scope: b.id,
          question: {
            en: `${b.name}: fund the new library?`,
            fr: `${b.name} : financer la nouvelle bibliothèque ?`,
            es: `${b.name}: ¿financiar la nueva biblioteca?`,
          },
          options: YES_NO(YES, NO),
          maxChoices: 1,
          rule: { kind: 'majority' },
        });
      }
    }
  }
  return contests;
}

/**
 * One style per place a voter can live: a country without states; each state (outside its blocks);
 * each block. A style's contests are those of its districts, and the charter.
 */
export function demoBallotStyles(): BallotStyle[] {
  const styles: BallotStyle[] = [];
  const style = (districts: string[]): BallotStyle => ({
    id: districts.at(-1)!.toLowerCase(),
    districts,
    contests: [
      'charter',
      contestId(districts[0]!, 'national'),
      ...(districts[1] ? [contestId(districts[1], 'council')] : []),
      ...(districts[2] ? [contestId(districts[2], 'budget')] : []),
    ],
  });
  for (const c of DEMO_COUNTRIES) {
    if (c.states.length === 0) styles.push(style([c.id]));
    for (const s of c.states) {
      styles.push(style([c.id, s.id]));
      for (const b of s.blocks) styles.push(style([c.id, s.id, b.id]));
    }
  }
  return styles;
}
