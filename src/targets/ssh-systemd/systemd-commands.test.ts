import { describe, expect, it } from 'vitest';
import { commandLine } from './shell-quote.ts';
import { SystemdCommands, checkedPath, checkedUnit } from './systemd-commands.ts';

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
    expect(() => commands.journalTail('u', 5, "s=1;rm -rf /")).toThrow('invalid journal cursor');
    expect(() => commands.procStats(-1)).toThrow('invalid pid');
  });
});
