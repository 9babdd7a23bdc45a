// What every browser script of tests/review.rs shares: the check that
// prints `ok - …` or throws, Chromium started the way this machine allows
// (headless, no sandbox as root, no background networking, which the
// closed network would refuse), and a watch that records page errors,
// console errors and warnings, and any request that leaves the page.
import { chromium } from 'playwright-core';

export function check(cond, what) {
  if (!cond) {
    throw new Error('check failed: ' + what);
  }
  console.log('ok - ' + what);
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export function watch(page, problems) {
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push('console ' + m.type() + ': ' + m.text());
  });
  page.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) problems.push('network request: ' + r.url());
  });
}
