/**
 * Last line of defence: if the harness exits while services are still running (an uncaught
 * error, process.exit), their whole process groups are killed synchronously on 'exit'.
 * A SIGKILL of the harness itself cannot be caught; nothing can clean up after that.
 */
const live = new Set<number>();
let hooked = false;

export function killAllOnExit(pid: number): () => void {
  live.add(pid);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const group of live) signalGroup(group, 'SIGKILL');
    });
  }
  return () => live.delete(pid);
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
