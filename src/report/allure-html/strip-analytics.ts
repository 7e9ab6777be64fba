/**
 * Allure 3's Awesome page loads Google Analytics (gtag.js) each time it is opened: plugin-awesome
 * 3.18 hard-codes `analyticsEnable: true` (ALLURE_NO_ANALYTICS reaches only the allure2 plugin).
 * A drill report is opened on staging hosts and offline desks and must not call out, and the app
 * itself never calls gtag, so both of the template's analytics scripts are removed.
 */
const loader = /[ \t]*<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js[^"]*"><\/script>\s*/g;
const config = /[ \t]*<script>\s*window\.dataLayer = window\.dataLayer \|\| \[\];[\s\S]*?<\/script>\s*/g;

export interface Stripped {
  html: string;
  /** Still names googletagmanager.com afterwards: the template changed, say so rather than ship it quietly. */
  leftover: boolean;
}

export function stripAnalytics(html: string): Stripped {
  const out = html.replace(loader, '').replace(config, '');
  return { html: out, leftover: out.includes('googletagmanager.com') };
}
