import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium, requireChromium } from '../src/report/chromium.ts';

/**
 * A PNG of report.html as Chromium draws it, for the README (docs/report.png):
 * `npx tsx scripts/screenshot-report.ts reports/latest docs/report.png`.
 */
export async function screenshotReport(htmlFile: string, pngFile: string, options: { executablePath: string; width?: number }): Promise<void> {
  const browser = await launchChromium(options.executablePath);
  try {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1100, height: 900 } });
    await page.route(
      (url) => url.protocol !== 'file:',
      (route) => route.abort(),
    );
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    await page.screenshot({ path: pngFile, fullPage: true });
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [runDir, png] = process.argv.slice(2);
  if (!runDir || !png) {
    process.stderr.write('usage: tsx src/report/screenshot.ts <runDir> <out.png>\n');
    process.exit(3);
  }
  await screenshotReport(resolve(runDir, 'report.html'), resolve(png), { executablePath: await requireChromium() });
  process.stdout.write(`${resolve(png)}\n`);
}
