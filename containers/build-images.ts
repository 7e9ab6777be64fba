// `npm run images`: builds the docker target's images with no registry, skipping those already current.
// Exit 0 when every image is current, 3 when the harness cannot build them (no engine, no mmdebstrap, a failed build).
import { errorMessage, HarnessError } from '../src/errors.ts';
import { ensureImages } from './build/ensure-images.ts';

const started = performance.now();
try {
  const outcomes = await ensureImages({ progress: (line) => console.log(line) });
  const built = outcomes.filter((outcome) => outcome.action === 'built').length;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`images: ${built} built, ${outcomes.length - built} up to date, ${seconds} s`);
} catch (error) {
  console.error(`images: ${errorMessage(error)}`);
  process.exitCode = error instanceof HarnessError ? 3 : 1;
}
