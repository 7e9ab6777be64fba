import { execa } from 'execa';
import { HarnessError } from '../../src/errors.ts';
import { runStreamed, type Progress } from './run-streamed.ts';

export type { Progress };

type Run = typeof execa;

const ENGINE_HINT = 'start one: apt-get install -y docker.io iptables; rm -f /var/run/docker.pid; dockerd >/var/log/dockerd.log 2>&1 &';

function lastLines(text: string | undefined, count: number): string {
  return (text ?? '').trim().split('\n').slice(-count).join('\n');
}

/** The few engine operations the image build needs, through the `docker` CLI with argument arrays. */
export class DockerEngine {
  constructor(private readonly run: Run = execa) {}

  /** The engine's version; throws a HarnessError naming what is missing when no engine answers. */
  async serverVersion(): Promise<string> {
    const result = await this.run('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 15_000 });
    if (result.failed && (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new HarnessError(`the docker CLI is not installed (no 'docker' on PATH); ${ENGINE_HINT}`);
    }
    if (result.failed || !result.stdout.trim()) {
      const detail = lastLines(result.stderr, 1) || (result.timedOut ? 'timed out after 15000 ms' : `exit ${result.exitCode}`);
      throw new HarnessError(`no Docker engine answers (docker info: ${detail}); ${ENGINE_HINT}`);
    }
    return result.stdout.trim();
  }

  /** The value of `label` on `image`, or undefined when the image (or the label) does not exist. */
  async imageLabel(image: string, label: string): Promise<string | undefined> {
    const format = `{{ index .Config.Labels ${JSON.stringify(label)} }}`;
    const result = await this.run('docker', ['image', 'inspect', '--format', format, image], { reject: false });
    const value = result.stdout.trim();
    return result.failed || value === '' || value === '<no value>' ? undefined : value;
  }

  /** `docker build` with the classic builder (this engine has no BuildKit plugin); step lines go to progress. */
  async build(options: { contextDir: string; tag: string; labels: Record<string, string>; progress: Progress; signal?: AbortSignal }): Promise<void> {
    const labels = Object.entries(options.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
    const args = ['build', '--force-rm', ...labels, '--tag', options.tag, options.contextDir];
    await runStreamed(
      {
        command: 'docker',
        args,
        what: `docker build of ${options.tag}`,
        ...(options.signal ? { signal: options.signal } : {}),
        shown: (line) => line.startsWith('Step '),
        progress: options.progress,
        // The CLI otherwise looks for a buildx plugin that Debian's docker.io does not ship.
        env: { DOCKER_BUILDKIT: '0' },
      },
      this.run,
    );
  }

  /** `docker import` of a root filesystem tarball, with Dockerfile instructions such as LABEL and CMD. */
  async importRootfs(options: { tarball: string; tag: string; changes: readonly string[] }): Promise<void> {
    const changes = options.changes.flatMap((change) => ['--change', change]);
    const result = await this.run('docker', ['import', ...changes, options.tarball, options.tag], { reject: false, all: true });
    if (result.failed) throw new HarnessError(`docker import of ${options.tag} failed:\n${lastLines(result.all, 20)}`);
  }

  /** Removes the untagged images a rebuild left behind, ours only (they carry the content-hash label). */
  async pruneDangling(label: string): Promise<void> {
    await this.run('docker', ['image', 'prune', '--force', '--filter', `label=${label}`], { reject: false });
  }
}
