import { readFile } from 'node:fs/promises';
import { escapeHtml } from './html/html.ts';
import { launchChromium } from './chromium.ts';

export interface PrintPdfOptions {
  executablePath: string;
  /** Printed in every page's footer with the page number. */
  title: string;
}

/**
 * Prints report.html to PDF in headless Chromium. The page is loaded with setContent and every
 * request is aborted: the report is self-contained, and a PDF must not depend on (or leak to)
 * the network.
 */
export async function printPdf(htmlFile: string, pdfFile: string, options: PrintPdfOptions): Promise<void> {
  const html = await readFile(htmlFile, 'utf8');
  const browser = await launchChromium(options.executablePath);
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({
      path: pdfFile,
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '16mm', left: '10mm', right: '10mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#57606a">${escapeHtml(options.title)} · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
    });
  } finally {
    await browser.close();
  }
}
