import { z } from 'zod';
import { configSchema } from './schema.ts';

/**
 * The JSON Schema of a config as it is written (zod's input side: a field with a default is
 * optional), for editor completion of drill.config.json / .yaml through "$schema". Written to
 * dist/config.schema.json by the build and printed by `drill schema`. Refinements (e.g. "no
 * Authorization header") cannot be expressed in JSON Schema: `drill validate` still checks them.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    // zod marks .startsWith() with a format of its own besides the pattern that says the same;
    // JSON Schema knows no such format and validators warn about it.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'starts_with' && jsonSchema.pattern) delete jsonSchema.format;
    },
  }) as Record<string, unknown> & { properties?: Record<string, unknown> };
  // The config is strict (no unknown keys), so the key that names this schema must be allowed
  // explicitly or every editor would flag it; load-config drops it before validation.
  schema.properties = { $schema: { type: 'string', description: 'the JSON Schema of this file (rollback-drill/dist/config.schema.json)' }, ...schema.properties };
  return { title: 'rollback-drill config', ...schema };
}
