import { currentSignatures, roleLabels, signatureKind, signOffRoles, type Signature } from '../../signoff/signature.ts';
import { html, type SafeHtml } from './html.ts';

/** The runbook's Sign-Off block: a name, a date and whether an ssh key backs it, per role once signed with `drill sign`; a blank line before. */
export function signoffSection(signatures: readonly Signature[]): SafeHtml {
  const current = currentSignatures(signatures);
  const superseded = signatures.filter((s) => current[s.role] !== s);
  return html`<section id="signoff">
  <h2>Sign-Off</h2>
  <div class="signoff">${signOffRoles.map((role) => {
    const s = current[role];
    return html`<div class="signer" data-role="${role}" data-signed="${s ? 'yes' : 'no'}">
    <div class="role">${roleLabels[role]}</div>
    ${s ? html`<div class="name">${s.name}</div><div class="muted">signed ${s.signedAt}</div><div class="muted" data-kind="${s.method === 'ssh' ? 'ssh' : 'typed'}">${signatureKind(s)}</div>` : html`<div class="blank"></div><div class="muted">Date: ____________</div>`}
  </div>`;
  })}</div>
  <p class="muted">Signed with <code>drill sign &lt;run folder&gt; --role engineering|operations|management --key ~/.ssh/id_ed25519</code> (an ssh signature of the manifest, checked by <code>drill verify &lt;run folder&gt; --allowed-signers &lt;file&gt;</code>) or <code>--name "…"</code> (a typed name, unverified); both refuse a run that fails verification and re-seal the manifest.</p>
  ${superseded.length ? html`<p class="muted">Earlier signatures, replaced: ${superseded.map((s) => `${roleLabels[s.role]} ${s.name} (${s.signedAt})`).join('; ')}.</p>` : ''}
</section>`;
}
