import { describe, expect, it } from 'vitest';
import { execStartPath, exitInfo, firstEnvironmentFile, hasExited, parseShow, restartedBySystemd, restartsItself, unitState } from './unit-state.ts';

const show = (props: Record<string, string>) =>
  unitState(
    parseShow(
      Object.entries({ ActiveState: 'active', SubState: 'running', InvocationID: 'abc', MainPID: '42', ExecMainCode: '0', ExecMainStatus: '0', NRestarts: '0', ...props })
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    ),
  );

describe('unit state', () => {
  it('reads systemctl show output', () => {
    expect(show({})).toMatchObject({ activeState: 'active', subState: 'running', invocationId: 'abc', mainPid: 42, nRestarts: 0 });
  });

  it('maps ExecMainCode/ExecMainStatus to an exit code or a signal name', () => {
    expect(exitInfo('1', '2')).toEqual({ exitCode: 2, signal: null });
    expect(exitInfo('2', '9')).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(exitInfo('2', '15')).toEqual({ exitCode: null, signal: 'SIGTERM' });
    expect(exitInfo('0', '0')).toEqual({ exitCode: null, signal: null });
  });

  it('counts inactive, failed, waiting for systemd to restart it, or another invocation as exited', () => {
    expect(hasExited(show({}), 'abc')).toBe(false);
    expect(hasExited(show({ ActiveState: 'deactivating', SubState: 'stop-sigterm' }), 'abc')).toBe(false);
    expect(hasExited(show({ ActiveState: 'inactive', SubState: 'dead' }), 'abc')).toBe(true);
    expect(hasExited(show({ ActiveState: 'failed', SubState: 'failed' }), 'abc')).toBe(true);
    expect(hasExited(show({ ActiveState: 'activating', SubState: 'auto-restart' }), 'abc')).toBe(true);
    expect(hasExited(show({ InvocationID: 'def' }), 'abc')).toBe(true);
  });

  it('finds the ExecStart program and the first EnvironmentFile', () => {
    expect(execStartPath('{ path=/usr/local/bin/node ; argv[]=/usr/local/bin/node --import tsx main.ts ; ignore_errors=no ; start_time=[n/a] }')).toBe('/usr/local/bin/node');
    expect(execStartPath('')).toBeUndefined();
    expect(firstEnvironmentFile('/etc/abaco/abaco-pipeline-v1.env (ignore_errors=no)')).toBe('/etc/abaco/abaco-pipeline-v1.env');
    expect(firstEnvironmentFile('')).toBeUndefined();
  });

  it('says systemd restarts a crashed invocation itself for every Restart= but no (or none read)', () => {
    for (const restart of ['on-failure', 'always', 'on-abnormal', 'on-abort', 'on-watchdog', 'on-success']) expect(restartsItself(restart), restart).toBe(true);
    expect(restartsItself('no')).toBe(false);
    expect(restartsItself('')).toBe(false);
  });

  it('follows systemd restarting a deployment: waiting to restart, or up again with more restarts than when it began', () => {
    expect(restartedBySystemd(show({ ActiveState: 'activating', SubState: 'auto-restart', NRestarts: '0' }), 0)).toBe(true);
    expect(restartedBySystemd(show({ NRestarts: '1' }), 0)).toBe(true);
    expect(restartedBySystemd(show({ NRestarts: '2' }), 2)).toBe(false); // up, but not restarted since
    expect(restartedBySystemd(show({ ActiveState: 'failed', SubState: 'failed', NRestarts: '5' }), 0)).toBe(false); // start limit hit
    expect(restartedBySystemd(show({ ActiveState: 'inactive', SubState: 'dead', NRestarts: '3' }), 0)).toBe(false); // stopped
  });
});

describe('the exit of a cleanly stopped unit', () => {
  it('is code 0: systemd clears ExecMainCode and reports Result=success', () => {
    expect(show({ ActiveState: 'inactive', SubState: 'dead', InvocationID: '', Result: 'success' }).exit).toEqual({ exitCode: 0, signal: null });
    expect(show({ ActiveState: 'failed', Result: 'signal', ExecMainCode: '2', ExecMainStatus: '9' }).exit).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});
