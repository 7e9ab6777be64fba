import { currentSignatures, roleLabels, signOffRoles, type Signature } from '../../signoff/signature.ts';
import { html, type SafeHtml } from './html.ts';

/** The runbook's Sign-Off block: a name and a date per role once signed with `drill sign`, a blank line before. */
export function signoffSection(signatures: readonly Signature[]): SafeHtml {
  const current = currentSignatures(signatures);
  const superseded = signatures.filter((s) => current[s.role] !== s);
  return html`<section id="signoff">
  <h2>Sign-Off</h2>
  <div class="signoff">${signOffRoles.map((role) => {
    const s = current[role];
    return html`<div class="signer" data-role="${role}" data-signed="${s ? 'yes' : 'no'}">
    <div class="role">${roleLabels[role]}</div>
    ${s ? html`<div class="name">${s.name}</div><div class="muted">signed ${s.signedAt}</div>` : html`<div class="blank"></div><div class="muted">Date: ____________</div>`}
  </div>`;
  })}</div>
  <p class="muted">Signed with <code>drill sign &lt;run folder&gt; --role engineering|operations|management --name "…"</code>, which refuses a run that fails verification and re-seals the manifest.</p>
  ${superseded.length ? html`<p class="muted">Earlier signatures, replaced: ${superseded.map((s) => `${roleLabels[s.role]} ${s.name} (${s.signedAt})`).join('; ')}.</p>` : ''}
</section>`;
}
