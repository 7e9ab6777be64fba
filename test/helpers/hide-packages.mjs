// Loaded with `node --import` (NODE_OPTIONS): Node's resolver then answers "not installed" for the packages
// named in HIDE_PACKAGES (comma separated), as it would for a user who never installed them — the module
// resolution seam that tests an optional package's absence without uninstalling it from the checkout.
import { register } from 'node:module';

const hooks = `
let hidden = [];
export function initialize(data) { hidden = data.hidden; }
export async function resolve(specifier, context, nextResolve) {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (hidden.includes(name)) {
    throw Object.assign(new Error("Cannot find package '" + name + "' imported from " + context.parentURL + ' (hidden by hide-packages.mjs)'), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return nextResolve(specifier, context);
}`;

const hidden = (process.env['HIDE_PACKAGES'] ?? '').split(',').filter(Boolean);
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { hidden } });
