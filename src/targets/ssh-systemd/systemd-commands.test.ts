import { describe, expect, it } from 'vitest';
import { commandLine } from './shell-quote.ts';
import { SystemdCommands, checkedPath, checkedUnit, parseBusStrings, unitObjectPath } from './systemd-commands.ts';

describe('SystemdCommands', () => {
  const commands = new SystemdCommands(false);

  it('builds fixed argument lists with the unit after --', () => {
    expect(commands.start('abaco-pipeline-v1')).toEqual(['systemctl', 'start', '--', 'abaco-pipeline-v1']);
    expect(commands.stopNoBlock('abaco-pipeline-v2.service')).toEqual(['systemctl', 'stop', '--no-block', '--', 'abaco-pipeline-v2.service']);
    expect(commands.kill('u')).toEqual(['systemctl', 'kill', '--signal=SIGKILL', '--', 'u']);
    expect(commands.restart('u')).toEqual(['systemctl', 'restart', '--', 'u']);
    expect(commands.journalTail('u', 50)).toEqual(['journalctl', '--unit=u', '--lines=50', '--no-pager', '--output=cat']);
    expect(commandLine(commands.isActive('u'))).toBe("'systemctl' 'is-active' '--' 'u'");
  });

  it('prefixes sudo -n when configured', () => {
    expect(new SystemdCommands(true).start('u')).toEqual(['sudo', '-n', '--', 'systemctl', 'start', '--', 'u']);
  });

  it('refuses unit names, paths and cursors that could carry options or shell text', () => {
    for (const bad of ['-u', 'a b', 'a;b', '$(id)', '', 'a/b']) expect(() => checkedUnit(bad), bad).toThrow('invalid systemd unit name');
    for (const bad of ['relative/path', '/etc/../shadow', '/a b', '/a;b', '/a/./b', "/a'b"]) expect(() => checkedPath(bad), bad).toThrow('invalid remote path');
    expect(checkedPath('/srv/reports/run-1/outputs')).toBe('/srv/reports/run-1/outputs');
    expect(() => commands.journalTail('u', 5, 's=1;rm -rf /')).toThrow('invalid journal cursor');
    expect(() => commands.procStats(-1)).toThrow('invalid pid');
  });

  it("runs a command like the unit: systemd-run with its user, folder, Environment= and EnvironmentFile, the caller's env on top through env", () => {
    const argv = new SystemdCommands(true).runLikeUnit(
      {
        transientUnit: 'drill-exec-1a',
        maxMs: 40_000,
        user: 'abaco',
        group: 'abaco',
        workingDirectory: '/opt/abaco/v1',
        environment: ['HOST=0.0.0.0', 'GREETING=hello world'],
        envFile: '/etc/abaco/v1.env',
      },
      { RUN_ID: 'r 1' },
      'node',
      ['-e', 'console.log(1)'],
    );
    expect(argv).toEqual([
      'sudo',
      '-n',
      '--',
      'systemd-run',
      '--pipe',
      '--wait',
      '--collect',
      '--quiet',
      '--unit=drill-exec-1a',
      '--property=RuntimeMaxSec=40000ms',
      '--property=User=abaco',
      '--property=Group=abaco',
      '--property=WorkingDirectory=/opt/abaco/v1',
      '--setenv=HOST=0.0.0.0',
      '--setenv=GREETING=hello world',
      '--property=EnvironmentFile=/etc/abaco/v1.env',
      '--',
      '/usr/bin/env',
      '--',
      'RUN_ID=r 1',
      'node',
      '-e',
      'console.log(1)',
    ]);
    const run = { transientUnit: 'drill-exec-1a', maxMs: 1000, environment: [] };
    expect(() => commands.runLikeUnit(run, {}, 'A=b', [])).toThrow("'A=b' cannot be run through env");
    expect(() => commands.runLikeUnit(run, {}, '-i', [])).toThrow("'-i' cannot be run through env");
    expect(() => commands.runLikeUnit(run, { 'A B': 'x' }, 'node', [])).toThrow("invalid environment variable name 'A B'");
  });

  it('pause, resume and kill signal the whole unit; freeze and thaw its cgroup', () => {
    expect(commands.signal('u', 'SIGSTOP')).toEqual(['systemctl', 'kill', '--signal=SIGSTOP', '--', 'u']);
    expect(commands.freeze('u')).toEqual(['systemctl', 'freeze', '--', 'u']);
    expect(commands.thaw('u')).toEqual(['systemctl', 'thaw', '--', 'u']);
  });
});

describe('unitObjectPath', () => {
  it('escapes as systemd does, a bare name being a service', () => {
    expect(unitObjectPath('abaco-pipeline-v1')).toBe('/org/freedesktop/systemd1/unit/abaco_2dpipeline_2dv1_2eservice');
    expect(unitObjectPath('9lives@a:b.service')).toBe('/org/freedesktop/systemd1/unit/_39lives_40a_3ab_2eservice');
  });
});

describe('parseBusStrings', () => {
  it('reads busctl --json=short of an `as` property, values with spaces and quotes intact', () => {
    expect(parseBusStrings('{"type":"as","data":["HOST=0.0.0.0","GREETING=hello world","Q=a\\"b"]}')).toEqual(['HOST=0.0.0.0', 'GREETING=hello world', 'Q=a"b']);
    expect(() => parseBusStrings('{"type":"s","data":"x"}')).toThrow('not a string array property');
  });
});
