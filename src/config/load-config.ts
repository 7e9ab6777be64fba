import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { HarnessError, errorMessage } from '../errors.ts';
import { formatIssues } from '../util/zod-issues.ts';
import { targetRegistry, type TargetRegistry } from '../targets/registry.ts';
import { configSchema, type DrillConfig, type EnvironmentConfig, type TargetConfig } from './schema.ts';
import { configSchemaWith, pluginsOf, type Plugins } from './plugins.ts';

export interface LoadedConfig {
  config: DrillConfig;
  /** Folder of the config file: relative paths in the config are resolved against it. */
  baseDir: string;
  file: string;
  /** The built-in drills, targets, reporters and notification kinds, and those the config adds. */
  plugins: Plugins;
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  const path = resolve(file);
  const raw = await readRaw(path);
  const { plugins: given, ...rest } = (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  // Two passes: the plug-ins first, then the environments, validated by a schema that knows their kinds.
  const plugins = pluginsOf(given, path, ['.ts', '.mts', '.js', '.mjs'].includes(extname(path)));
  return { config: parseConfig(raw === null || typeof raw !== 'object' || Array.isArray(raw) ? raw : rest, path, plugins), baseDir: dirname(path), file: path, plugins };
}

async function readRaw(path: string): Promise<unknown> {
  const ext = extname(path);
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') {
    try {
      const module = (await importConfigModule(path, ext)) as { default?: unknown };
      if (module.default === undefined) throw new HarnessError(`config ${path} has no default export (export default defineConfig({…}))`);
      return module.default;
    } catch (error) {
      if (error instanceof HarnessError) throw error;
      // tsx loads a .ts file as CommonJS when its package is not "type": "module"; rollback-drill is ES modules only.
      const commonJs = /No "exports" main defined|ERR_REQUIRE_ESM|require\(\) of ES Module/.test(errorMessage(error)) && ext === '.ts';
      const hint = commonJs ? ' — it was loaded as CommonJS: add "type": "module" to the package.json beside it, or name it drill.config.mts' : '';
      throw new HarnessError(`config ${path} cannot be loaded: ${errorMessage(error)}${hint}`);
    }
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HarnessError(`config ${path} cannot be read: ${errorMessage(error)}`);
  }
  try {
    // JSON and YAML are data only: nothing in them can execute code.
    if (ext === '.json') return JSON.parse(text);
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new HarnessError(`config ${path} is not valid ${ext.slice(1).toUpperCase()}: ${errorMessage(error)}`);
  }
  throw new HarnessError(`config ${path}: unsupported extension '${ext}' (use .ts, .json, .yaml or .yml)`);
}

/**
 * The compiled CLI runs without a TypeScript loader (its start stays fast): tsx is registered for
 * this one import, and only when the config is TypeScript.
 */
async function importConfigModule(path: string, ext: string): Promise<unknown> {
  const url = pathToFileURL(path).href;
  if (ext === '.js' || ext === '.mjs') return import(url);
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(url, import.meta.url);
}

export function parseConfig(raw: unknown, origin: string, plugins?: Plugins): DrillConfig {
  const schema = plugins ? configSchemaWith(plugins) : configSchema;
  const result = schema.safeParse(withoutSchemaKey(raw)) as ReturnType<typeof configSchema.safeParse>;
  if (result.success) return result.data;
  throw new HarnessError(`invalid config ${origin}:\n${formatIssues(result.error.issues)}`);
}

/**
 * `"$schema": "…/config.schema.json"` gives a .json/.yaml config editor completion; it names the
 * schema, it is no setting, so it is dropped before the (strict) validation.
 */
function withoutSchemaKey(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('$schema' in raw)) return raw;
  const { $schema: _schema, ...rest } = raw as Record<string, unknown>;
  return rest;
}

/**
 * Picks one environment, applying a `--target <kind>` override: the kind's plugin says what it runs the
 * environment with (TargetPlugin.forced: a forced docker target never falls back to local processes,
 * swarm takes a docker environment's images, another kind starts from its defaults).
 */
export function selectEnvironment(config: DrillConfig, name: string, targetOverride?: string, registry: TargetRegistry = targetRegistry()): EnvironmentConfig {
  const environment = config.environments[name];
  if (!environment) {
    const known = Object.keys(config.environments).join(', ') || 'none';
    throw new HarnessError(`no environment '${name}' in config (known: ${known})`);
  }
  if (targetOverride === undefined) return environment;
  if (!registry.kinds.includes(targetOverride)) {
    throw new HarnessError(`unknown target kind '${targetOverride}' given by --target (known: ${registry.kinds.join(', ')})`);
  }
  // A user plugin's config lies outside the built-in union TargetConfig is typed with; the registry validated it.
  return { ...environment, target: registry.forced(targetOverride, environment.target) as TargetConfig };
}
