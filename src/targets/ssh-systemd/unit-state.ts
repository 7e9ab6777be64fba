import { constants } from 'node:os';
import type { ExitInfo } from '../target.ts';

/** `systemctl show` output (KEY=VALUE lines) as a record. */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}

export interface UnitState {
  activeState: string;
  subState: string;
  invocationId: string;
  mainPid: number;
  nRestarts: number;
  result: string;
  exit: ExitInfo;
}

export function unitState(show: Record<string, string>): UnitState {
  return {
    activeState: show['ActiveState'] ?? 'unknown',
    subState: show['SubState'] ?? 'unknown',
    invocationId: show['InvocationID'] ?? '',
    mainPid: Number(show['MainPID'] ?? 0) || 0,
    nRestarts: Number(show['NRestarts'] ?? 0) || 0,
    result: show['Result'] ?? '',
    exit: cleanStop(show) ?? exitInfo(show['ExecMainCode'], show['ExecMainStatus']),
  };
}

/** After a clean stop systemd forgets the main process's status (ExecMainCode=0) and says Result=success: it exited 0. */
function cleanStop(show: Record<string, string>): ExitInfo | undefined {
  return show['ActiveState'] === 'inactive' && show['Result'] === 'success' && (show['ExecMainCode'] ?? '0') === '0' ? { exitCode: 0, signal: null } : undefined;
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** ExecMainCode is the kernel's CLD_* code: 1 exited (status = exit code), 2 killed, 3 dumped (status = signal). */
export function exitInfo(code: string | undefined, status: string | undefined): ExitInfo {
  const value = Number(status ?? '');
  if (code === '1') return { exitCode: Number.isFinite(value) ? value : null, signal: null };
  if (code === '2' || code === '3') return { exitCode: null, signal: signalNames.get(value) ?? `signal ${value}` };
  return { exitCode: null, signal: null };
}

/**
 * Whether the process a deployment started is gone: the unit is inactive or failed, waits to be
 * restarted by systemd (Restart=on-failure), or already runs another invocation.
 */
export function hasExited(state: UnitState, invocationId: string): boolean {
  if (state.invocationId !== invocationId) return true;
  if (state.activeState === 'inactive' || state.activeState === 'failed') return true;
  return waitingToRestart(state);
}

/** systemd waits out RestartSec= before restarting the unit on its own (Restart=on-failure, …). */
export function waitingToRestart(state: UnitState): boolean {
  return state.activeState === 'activating' && state.subState === 'auto-restart';
}

/**
 * After the invocation a deployment started has ended: systemd is about to restart the unit, or has
 * restarted it (NRestarts above its value `since` the deployment became active) and it is up.
 */
export function restartedBySystemd(state: UnitState, since: number): boolean {
  if (waitingToRestart(state)) return true;
  return (state.activeState === 'active' || state.activeState === 'activating' || state.activeState === 'reloading') && state.nRestarts > since;
}

/** Restart= other than `no` (on-failure, always, on-abnormal, …): systemd restarts a crashed invocation itself. */
export function restartsItself(restart: string): boolean {
  return restart !== '' && restart !== 'no';
}

/** `{ path=/usr/bin/node ; argv[]=/usr/bin/node --import tsx … ; … }` → the program's path. */
export function execStartPath(execStart: string | undefined): string | undefined {
  return /\bpath=([^ ;]+)/.exec(execStart ?? '')?.[1];
}

/** `/etc/abaco/x.env (ignore_errors=no)` → the first file's path. */
export function firstEnvironmentFile(value: string | undefined): string | undefined {
  const path = /^(\/\S+)/.exec(value ?? '')?.[1];
  return path;
}
