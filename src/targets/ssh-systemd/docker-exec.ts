import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/** Runs a command in a container through the engine (no docker CLI needed); its exit code and output. */
export async function dockerExec(docker: Docker, container: string, cmd: string[]): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const exec = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve).on('close', resolve).on('error', reject);
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode, stdout, stderr };
}
