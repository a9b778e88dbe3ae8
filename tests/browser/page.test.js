// The gateway's web page in a real browser: Debian's chromium, headless,
// driven by puppeteer-core. tests/e2e/web_page_test.cc starts the mock and
// the gateway, then runs this:
//
//   node page.test.js --url=http://127.0.0.1:PORT --token=T --screenshot=out.png
//
// It enters the token, makes a video from a prompt, sees the states
// appear, the video element load the gateway's copy (metadata loaded,
// duration > 0), a validation error shown at its field, and the task in the
// recent list. Prints one line per step; exits 0 when every step held.
'use strict';

const puppeteer = require('puppeteer-core');

function arg(name, fallback) {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

async function main() {
  const url = arg('url');
  const token = arg('token', 'browser-token');
  const screenshot = arg('screenshot', 'page.png');
  const browser = await puppeteer.launch({
    executablePath: arg('chromium', '/usr/bin/chromium'),
    headless: true,
    // As root (CI) chromium's sandbox cannot start.
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 1400 });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    await page.goto(`${url}/`, { waitUntil: 'load' });

    await page.type('#token', token);
    await page.click('#token-form button');
    await page.waitForFunction(() => document.querySelectorAll('#model option').length > 0);
    console.log('models loaded');

    await page.type('#prompt', 'A kitten yawning at the camera');
    await page.select('#resolution', 'RESOLUTION_720P');
    await page.type('#duration', '5');
    await page.click('#create');
    await page.waitForSelector('#states li[data-state="TASK_STATE_SUCCEEDED"]', { timeout: 60000 });
    const states = await page.$$eval('#states li', (lis) => lis.map((li) => li.dataset.state));
    console.log(`states ${states.join(' ')}`);
    if (states[0] !== 'TASK_STATE_PENDING') throw new Error(`the first state shown is ${states[0]}`);

    await page.waitForFunction(() => {
      const v = document.getElementById('video');
      return !v.hidden && v.readyState >= 1 && v.duration > 0;
    }, { timeout: 60000 });
    const video = await page.$eval('#video', (v) => ({ duration: v.duration, src: v.currentSrc,
                                                        width: v.videoWidth }));
    console.log(`video loaded duration=${video.duration} width=${video.width}`);
    if (!video.src.includes('/content')) throw new Error(`the video plays ${video.src}, not the gateway's copy`);
    await page.waitForFunction(() => document.querySelectorAll('#recent li').length > 0);
    // The progress bar full (its width eases there).
    await page.waitForFunction(() => {
      const bar = document.getElementById('progress-bar');
      return bar.getBoundingClientRect().width >= bar.parentElement.getBoundingClientRect().width - 1;
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot ${screenshot}`);

    // Until here nothing may fail; the refused create below is logged by
    // the browser as a failed request, as it should be.
    if (problems.length) throw new Error(problems.join('\n'));

    // A bad duration comes back with its field path and shows at its field.
    await page.click('#duration', { clickCount: 3 });
    await page.type('#duration', '99');
    await page.click('#create');
    await page.waitForFunction(() => {
      const field = document.querySelector('.field[data-field="spec.duration_seconds"]');
      return field.classList.contains('invalid') && field.querySelector('.error').textContent !== '';
    }, { timeout: 20000 });
    const message = await page.$eval('.field[data-field="spec.duration_seconds"] .error',
                                     (p) => p.textContent);
    console.log(`validation error at spec.duration_seconds: ${message}`);

    console.log('ok');
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`FAILED: ${error.stack || error}`);
  process.exit(1);
});
