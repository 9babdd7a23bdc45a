// The review page at laptop and desktop widths, in Debian's Chromium.
//
//   node layout.mjs PAGE.html OUTDIR
//
// Run by tests/review.rs (`review_page_layout_at_laptop_width`) on a page
// long enough to scroll, with QA flags on some rows. Checks that the ASCII
// column can be hidden and that this is remembered, that source and target
// are each at least 300 px wide at 1000×800 with ASCII hidden, that the QA
// column collapses when no row shown has flags, and that the row in focus
// stays fully visible under the sticky header while moving with the
// keyboard, both ways. Saves screenshots into OUTDIR. Exits non-zero with a
// message on the first failed check.
import { check, launch, watch } from './common.mjs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page_path, out_dir] = process.argv.slice(2);
if (!page_path || !out_dir) {
  console.error('usage: node layout.mjs PAGE.html OUTDIR');
  process.exit(2);
}
const url = pathToFileURL(resolve(page_path)).href;


/// Widths of the visible header cells, by class.
async function widths(page) {
  return page.evaluate(() => {
    const w = {};
    document.querySelectorAll('#segments thead th').forEach((th) => {
      w[th.className] = th.offsetParent === null ? 0 : th.getBoundingClientRect().width;
    });
    return w;
  });
}

/// Where the current row is against the sticky header and the viewport.
async function currentRowPlace(page) {
  return page.evaluate(() => {
    const row = document.querySelector('tr.seg.current');
    const r = row.getBoundingClientRect();
    return {
      i: +row.dataset.i,
      top: r.top,
      bottom: r.bottom,
      headerBottom: document.querySelector('header').getBoundingClientRect().bottom,
      viewport: window.innerHeight,
      scrollY: window.scrollY,
    };
  });
}

/// Walks every visible row down with Alt+↓ then back up with Alt+↑:
/// each row in focus is fully visible below the header.
async function walk(page, label) {
  const n = await page.locator('tr.seg:visible').count();
  await page.locator('tr.seg:visible .target').first().click();
  let scrolled = false;
  const bad = [];
  for (const [key, steps] of [['Alt+ArrowDown', n - 1], ['Alt+ArrowUp', n - 1]]) {
    for (let s = 0; s < steps; s++) {
      await page.keyboard.press(key);
      const p = await currentRowPlace(page);
      if (p.scrollY > 0) scrolled = true;
      const fits = p.bottom - p.top <= p.viewport - p.headerBottom;
      if (p.top < p.headerBottom - 0.5 || (fits && p.bottom > p.viewport + 0.5)) {
        bad.push(`${key} row ${p.i}: top ${p.top.toFixed(1)}, bottom ${p.bottom.toFixed(1)}, header ends ${p.headerBottom.toFixed(1)}, viewport ${p.viewport}`);
      }
    }
  }
  check(scrolled, `${label}: the page scrolls while moving through ${n} rows`);
  check(bad.length === 0, `${label}: every row in focus is fully visible below the sticky header, down and up` +
    (bad.length ? ': ' + bad.join('; ') : ''));
}

const browser = await launch();
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(url);

  // 1000×800, as it opens: every column.
  let w = await widths(page);
  check(w.ascii > 0 && w.qa > 0, `1000×800: the ASCII and QA columns are shown at first (${JSON.stringify(w)})`);
  await page.screenshot({ path: join(out_dir, 'review-1000x800-ascii.png') });

  // Hide ASCII: source and target get the room.
  await page.uncheck('#show-ascii');
  w = await widths(page);
  check(w.ascii === 0, '1000×800: the ASCII column hides');
  check(w.src >= 300 && w.tgt >= 300,
    `1000×800 without ASCII: source ${w.src.toFixed(0)} px and target ${w.tgt.toFixed(0)} px, each ≥ 300`);
  check((await page.locator('td.ascii:visible').count()) === 0, 'no ASCII cell is shown');
  await page.screenshot({ path: join(out_dir, 'review-1000x800-no-ascii.png') });

  // Remembered across a reload and for another page of this browser.
  await page.reload();
  check(!(await page.isChecked('#show-ascii')) && (await widths(page)).ascii === 0,
    'hiding ASCII is remembered after a reload');

  // QA collapses when no row shown has flags, and comes back.
  const withQa = (await widths(page)).tgt;
  await page.selectOption('#f-flag', '-');
  w = await widths(page);
  check(w.qa === 0 && (await page.locator('td.qa:visible').count()) === 0,
    'the QA column collapses when no row shown has flags');
  check(w.tgt > withQa, `and the target column gains its room (${withQa.toFixed(0)} → ${w.tgt.toFixed(0)} px)`);
  await page.selectOption('#f-flag', '*');
  check((await widths(page)).qa > 0, 'the QA column is back when a row shown has flags');
  await page.selectOption('#f-flag', '');

  // Keyboard at 1000×800, ASCII hidden.
  await walk(page, '1000×800');
  await page.locator('tr.seg:visible').nth(5).locator('.target').click();
  for (let s = 0; s < 4; s++) await page.keyboard.press('Alt+ArrowDown');
  await page.screenshot({ path: join(out_dir, 'review-1000x800-focus.png') });

  // 1400×1000 with ASCII shown again.
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.check('#show-ascii');
  w = await widths(page);
  check(w.ascii > 0 && w.src >= 300 && w.tgt >= 300,
    `1400×1000 with ASCII: source ${w.src.toFixed(0)} px, target ${w.tgt.toFixed(0)} px, ASCII ${w.ascii.toFixed(0)} px`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await walk(page, '1400×1000');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(out_dir, 'review-1400x1000.png') });

  // A fresh page in the same browser remembers ASCII shown again.
  const again = await context.newPage();
  await again.goto(url);
  check(await again.isChecked('#show-ascii'), 'showing ASCII again is remembered too');

  check(problems.length === 0, 'no page errors or network requests' + (problems.length ? ': ' + problems.join('; ') : ''));
} finally {
  await browser.close();
}
