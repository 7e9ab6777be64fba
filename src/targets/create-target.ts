import type { TargetConfig } from '../config/schema.ts';
import { HarnessError } from '../errors.ts';
import { ProcessTarget } from './process-target.ts';
import type { Target } from './target.ts';

export function createTarget(config: TargetConfig): Target {
  switch (config.kind) {
    case 'process':
      return new ProcessTarget();
    default: {
      const never: never = config.kind;
      throw new HarnessError(`no target implementation for kind '${String(never)}'`);
    }
  }
}
