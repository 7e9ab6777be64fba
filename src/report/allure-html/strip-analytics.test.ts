import { describe, expect, it } from 'vitest';
import { stripAnalytics } from './strip-analytics.ts';

// The tail of plugin-awesome 3.18.0's page template, as rendered (generators.js).
const page = `    <script>
      window.allure = window.allure || {};
    </script>
    <script   src="data:text/javascript;base64,AAAA"></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', {
          "report": "awesome",
          "allureVersion": "3.18.0",
          "reportUuid": "b1053322-d29e-444d-88e9-da8a60e14e1e",
          "single_file": "true"
        });
    </script>
    <script async>
      window.allureReportDataReady = false;
    </script>
</body>`;

describe('stripAnalytics', () => {
  it('removes the gtag loader and its config, and nothing else', () => {
    const { html, leftover } = stripAnalytics(page);
    expect(leftover).toBe(false);
    expect(html).not.toMatch(/googletagmanager|gtag|dataLayer/);
    expect(html).toContain('window.allure = window.allure || {};');
    expect(html).toContain('<script   src="data:text/javascript;base64,AAAA"></script>\n');
    expect(html).toContain('<script async>\n      window.allureReportDataReady = false;\n    </script>\n</body>');
  });

  it('leaves a page without analytics as it is', () => {
    const plain = '<script>window.allure = {};</script>\n<script async>window.x = 1;</script>';
    expect(stripAnalytics(plain)).toEqual({ html: plain, leftover: false });
  });

  it('says so when the template changed and a Google host is still named', () => {
    const changed = page.replace('<script async src=', '<script defer src=');
    expect(stripAnalytics(changed).leftover).toBe(true);
  });
});
