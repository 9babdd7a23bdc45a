// The review page of the shipped example article (starter glossary,
// offline), in Debian's Chromium: glossary hits are highlighted by class
// with and without JavaScript (exact, partial, unnumbered, ASCII span,
// diacritic mismatch …), each mark gets its class, check and tooltip from
// the page's data, ASCII captions get no review controls, and the status
// and term filters work on rows the script built.
//
//   node marks.mjs PAGE.html
//
// Run by tests/review.rs (`example_page_marks_and_captions_in_chromium`).
// Exits non-zero with a message on the first failed check.
import { check, launch, watch } from './common.mjs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page_path] = process.argv.slice(2);
if (!page_path) {
  console.error('usage: node marks.mjs PAGE.html');
  process.exit(2);
}
const url = pathToFileURL(resolve(page_path)).href;

// The background of each hit class in review.css.
const colours = {
  'exact': 'rgb(223, 240, 227)',
  'case-variant': 'rgb(228, 236, 251)',
  'tone-variant': 'rgb(228, 236, 251)',
  'ascii-span': 'rgb(236, 239, 243)',
  'diacritic-mismatch': 'rgb(253, 232, 230)',
  'suspect': 'rgb(253, 232, 230)',
  'partial': 'rgb(255, 244, 214)',
  'unnumbered': 'rgb(255, 244, 214)',
};

/// Per class: how many marks, and how many have the class's colour.
async function highlighted(page) {
  return page.evaluate((colours) => {
    const by = {};
    document.querySelectorAll('mark.term').forEach((m) => {
      const c = m.classList[1];
      by[c] = by[c] || { n: 0, coloured: 0 };
      by[c].n++;
      if (getComputedStyle(m).backgroundColor === colours[c]) by[c].coloured++;
    });
    return by;
  }, colours);
}

const browser = await launch();
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(url);

  const by = await highlighted(page);
  for (const c of ['exact', 'partial', 'unnumbered', 'ascii-span', 'diacritic-mismatch']) {
    check(by[c] && by[c].n > 0 && by[c].coloured === by[c].n, `every ${c} hit is highlighted as ${c} (${JSON.stringify(by[c])})`);
  }
  const marks = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('songngu-data').textContent);
    return Array.from(document.querySelectorAll('mark.term')).filter((m) =>
      m.dataset.class !== m.classList[1] || m.tabIndex !== 0 ||
      (m.dataset.check !== undefined) !== d.check.includes(m.classList[1]) || !m.dataset.entry).length;
  });
  check(marks === 0, 'every mark has its class, check, entry and tabindex');

  // The tooltip explains the classes that are not translations.
  for (const [c, says] of [['partial', 'part of a longer name'], ['unnumbered', 'no document number']]) {
    await page.locator(`mark.term.${c}`).first().focus();
    const tip = await page.locator('#tip').innerText();
    check(tip.includes(`(${c})`) && tip.includes(says), `a ${c} hit's tooltip says so: ${JSON.stringify(tip)}`);
  }
  await page.keyboard.press('Escape');

  // ASCII captions: kept, not translated, no review controls.
  const captions = page.locator('tr.seg[data-kind="ascii-caption"]');
  const nCaptions = await captions.count();
  check(nCaptions > 0 && (await captions.locator('.no-translate').count()) === nCaptions &&
    (await captions.locator('.target, td.review select, td.review textarea').count()) === 0 &&
    (await captions.locator('td.review').count()) === nCaptions,
  `the ${nCaptions} ASCII captions have an empty review cell and no target`);
  const n = await page.locator('tr.seg').count();
  await page.selectOption('#f-status', 'todo');
  check((await page.locator('tr.seg:visible').count()) === n - nCaptions, 'to review: every row but the captions');
  await page.selectOption('#f-status', '');

  // The term filter, from the marks' entries.
  const partial = await page.locator('mark.term.partial').first().getAttribute('data-entry');
  await page.selectOption('#f-term', partial);
  const shown = await page.locator('tr.seg:visible').count();
  const withEntry = await page.evaluate((e) => Array.from(document.querySelectorAll('tr.seg'))
    .filter((r) => Array.from(r.querySelectorAll('mark.term')).some((m) => m.dataset.entry === e)).length, partial);
  check(shown > 0 && shown === withEntry, `the term filter shows the ${shown} rows with a hit of ${partial}`);
  await page.selectOption('#f-term', '');

  // Without JavaScript the classes are highlighted the same.
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1360, height: 900 } });
  const still = await plain.newPage();
  watch(still, problems);
  await still.goto(url);
  const byPlain = await highlighted(still);
  check(JSON.stringify(byPlain) === JSON.stringify(by), 'without JavaScript every hit is highlighted by its class');
  check((await still.locator('tr.seg .kind.ascii-caption').count()) === nCaptions,
    'without JavaScript the captions are labelled');
  await plain.close();

  check(problems.length === 0, 'no page errors or network requests' + (problems.length ? ': ' + problems.join('; ') : ''));
} finally {
  await browser.close();
}
