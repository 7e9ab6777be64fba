import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/util/free-port.ts';
import { drill } from './helpers/cli.ts';
import { latestJournal } from './helpers/journal.ts';
import { testRun } from './helpers/test-config.ts';

/** Webhooks at the runbook's points, against a real local receiver; a dead webhook is a warning, never a crash. */
describe('drill run with notification webhooks', () => {
  let server: Server;
  let url: string;
  const received: Array<{ body: { event: string; testId: string; runId: string }; auth: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ body: JSON.parse(text), auth: req.headers.authorization });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('notifies at every point of the rollback, and records a dead webhook as a warning', async () => {
    const closedPort = await freePort();
    const run = await testRun((s) => {
      s['notifications'] = {
        webhooks: [
          { name: 'incidents', url, tokenEnv: 'DRILL_IT_TOKEN' },
          { name: 'status-page', url: `http://127.0.0.1:${closedPort}/down`, events: ['maintenance-on', 'maintenance-off'], timeoutMs: 1000 },
        ],
      };
    });
    const result = await drill(['run', '--config', run.configFile, '--report-dir', run.reportDir, '--only', 'roll-forward'], {
      TMPDIR: run.tmp,
      DRILL_IT_TOKEN: 'tok-very-secret-123',
    });
    expect(result.exitCode, result.all).toBe(0);
    const events = received.map((r) => r.body.event);
    expect([...events].sort()).toEqual(['maintenance-off', 'maintenance-on', 'rollback-initiated', 'rollback-verified', 'v1-healthy', 'v2-stopped']);
    // Sent without waiting, so pairs sent together may arrive either way round; the milestones keep their order.
    expect(events.indexOf('rollback-initiated')).toBeLessThan(events.indexOf('v2-stopped'));
    expect(events.indexOf('v2-stopped')).toBeLessThan(events.indexOf('v1-healthy'));
    expect(events.indexOf('v1-healthy')).toBeLessThan(events.indexOf('rollback-verified'));
    expect(received.every((r) => r.auth === 'Bearer tok-very-secret-123' && r.body.testId === 'roll-forward')).toBe(true);

    const journal = await latestJournal(run.reportDir);
    const test = journal.tests[0]!;
    expect(test.status).toBe('passed');
    expect(test.notifications?.filter((n) => !n.ok).map((n) => [n.webhook, n.event])).toEqual([
      ['status-page', 'maintenance-on'],
      ['status-page', 'maintenance-off'],
    ]);
    expect(test.warnings?.length).toBe(2);
    const files = ['journal.json', 'checklist.md', 'junit.xml'];
    for (const file of files) expect(await readFile(join(run.reportDir, 'latest', file), 'utf8'), file).not.toContain('tok-very-secret-123');
  });
});
