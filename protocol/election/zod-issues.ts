/**
 * Turns zod issues into Problems a person can act on. Our primitives (primitives.ts) carry their own
 * messages; this rewrites only zod's generic ones: a missing field ("is required"), a field the closed
 * schema does not know, a wrong JSON type, an unknown discriminator.
 */
import type { z } from 'zod';
import { assertNever } from '../result';
import { pathString, type Problem } from './problems';

const ARTICLE: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  record: 'an object',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

function describeExpected(expected: string): string {
  return ARTICLE[expected] ?? expected;
}

type Issue = z.core.$ZodIssue;

function one(issue: Issue, out: Problem[]): void {
  const path = pathString(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        out.push({
          path: pathString([...issue.path, key]),
          message: 'unknown field (this format is closed: only the fields of DESIGN §4–§5 are allowed)',
          check: 'schema',
        });
      }
      return;
    case 'invalid_type':
      out.push({
        path,
        message: issue.message.startsWith('Invalid input')
          ? issue.input === undefined
            ? 'is required'
            : `must be ${describeExpected(issue.expected)}`
          : issue.message,
        check: 'schema',
      });
      return;
    case 'invalid_union':
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        const options = (issue as { options?: unknown[] }).options ?? [];
        out.push({
          path,
          message: `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`,
          check: 'schema',
        });
        return;
      }
      out.push({ path, message: issue.message, check: 'schema' });
      return;
    case 'invalid_key':
      for (const inner of issue.issues) {
        out.push({ path, message: `is not an allowed key: ${inner.message}`, check: 'schema' });
      }
      return;
    case 'invalid_value':
      out.push({
        path,
        message: issue.message.startsWith('Invalid input')
          ? `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`
          : issue.message,
        check: 'schema',
      });
      return;
    // Our primitives set these messages themselves (primitives.ts).
    case 'custom':
    case 'invalid_element':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'too_big':
    case 'too_small':
      out.push({ path, message: issue.message, check: 'schema' });
      return;
    default:
      assertNever(issue, 'zod issue');
  }
}

export function formatZodIssues(issues: readonly Issue[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) one(issue, out);
  return out;
}
