import type { z } from 'zod';

/** zod's issues as the harness prints them: one line each, its path first, an unknown key named with its path. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => `${path}.${k}`).join(', ')})` : '';
      return `  - ${path}: ${issue.message}${keys}`;
    })
    .join('\n');
}
