// Renders media/fastify-lens.svg as the 128×128 marketplace icon (media/icon.png) with Chromium.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const svg = readFileSync(new URL('../media/fastify-lens.svg', import.meta.url), 'utf8').replace('stroke="currentColor"', 'stroke="#ffffff"').replace('width="24" height="24"', 'width="96" height="96"');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
await page.setContent(`<html><body style="margin:0;width:128px;height:128px;background:#0b0f14;display:flex;align-items:center;justify-content:center;border-radius:24px">${svg}</body></html>`);
await page.screenshot({ path: new URL('../media/icon.png', import.meta.url).pathname, omitBackground: false });
await browser.close();
