import { describe, expect, it } from 'vitest';
import { renderChecklist } from './checklist.ts';
import { sampleJournal } from '../../test/helpers/sample-journal.ts';

describe('renderChecklist', () => {
  it('leaves the Sign-Off block blank until someone signs', () => {
    const md = renderChecklist(sampleJournal());
    expect(md).toContain(
      '## Sign-Off\n\n**Engineering**: _________________________ Date: _________\n\n**Operations**: _________________________ Date: _________\n\n**Management**: _________________________ Date: _________\n',
    );
  });

  it('shows the latest signature per role, on one line', () => {
    const md = renderChecklist(sampleJournal(), [
      { role: 'engineering', name: 'First Signer', signedAt: '2026-01-03T09:00:00.000Z' },
      { role: 'engineering', name: 'Ada\nLovelace', signedAt: '2026-01-03T10:00:00.000Z' },
      { role: 'management', name: 'Grace Hopper', signedAt: '2026-01-03T11:00:00.000Z' },
    ]);
    expect(md).toContain(
      '**Engineering**: Ada Lovelace Date: 2026-01-03T10:00:00.000Z — unverified (typed name)\n\n**Operations**: _________________________ Date: _________\n\n**Management**: Grace Hopper Date: 2026-01-03T11:00:00.000Z — unverified (typed name)\n',
    );
    expect(md).not.toContain('First Signer');
  });

  it('says which sign-off an ssh key backs and which is a typed name', () => {
    const md = renderChecklist(sampleJournal(), [
      { role: 'engineering', name: 'ada@example', signedAt: '2026-01-03T10:00:00.000Z', method: 'ssh', fingerprint: 'SHA256:l2GAMJ6Flxahnd4A8YPsZYa24sv+13aVSl7DDSSxNTc' },
      { role: 'operations', name: 'Grace Hopper', signedAt: '2026-01-03T11:00:00.000Z' },
    ]);
    expect(md).toContain('**Engineering**: ada@example Date: 2026-01-03T10:00:00.000Z — verified (ssh key SHA256:l2GAMJ6Flxahnd4A8YPsZYa24sv+13aVSl7DDSSxNTc)\n');
    expect(md).toContain('**Operations**: Grace Hopper Date: 2026-01-03T11:00:00.000Z — unverified (typed name)\n');
  });

  it('fills the items from the checks and marks what is left to the signers', () => {
    const md = renderChecklist(sampleJournal());
    expect(md).toContain('- [ ] Dry-run rollback completed in staging — _not run in this drill_\n');
    expect(md).toContain('  - [ ] No data loss: NOT MEASURED\n  - [ ] Output variance < 1%: NO\n');
    expect(md).toContain('  - [x] Actual time: 12.4 seconds\n  - [x] Within 5-minute target: YES\n');
    expect(md).toContain('- [ ] Contact tree verified — _for the signers: a machine cannot judge this_\n  - [ ] All contacts reachable: YES / NO\n');
  });
});
