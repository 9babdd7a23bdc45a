// Drives a review page written by `songngu run` in Debian's Chromium.
//
//   node review.mjs PAGE.html EXPORT.jsonl [SCREENSHOT.png]
//
// Run by tests/browser.rs on the page of tests/fixtures/review (whose
// memory holds a reviewed target lacking the term `Secretariat` and
// targets with markup in them). Exits non-zero with a message on the first
// failed check; on success the corrections are saved to EXPORT.jsonl.
import { check, launch, watch } from './common.mjs';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page_path, export_path, shot_path] = process.argv.slice(2);
if (!page_path || !export_path) {
  console.error('usage: node review.mjs PAGE.html EXPORT.jsonl [SCREENSHOT.png]');
  process.exit(2);
}
const url = pathToFileURL(resolve(page_path)).href;


const browser = await launch();
const problems = [];
try {
  // A user data dir of its own, like a fresh profile; localStorage lives in the context.
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  watch(page, problems);
  page.on('dialog', async (d) => {
    problems.push('a dialog opened: ' + d.message());
    await d.dismiss();
  });
  await page.goto(url);

  // Structure: one row per segment of the embedded data.
  const n = await page.evaluate(() => JSON.parse(document.getElementById('songngu-data').textContent).segments.length);
  check((await page.locator('tr.seg').count()) === n, `one row per segment (${n})`);
  check((await page.locator('mark.term').count()) >= 4, 'glossary hits are highlighted');

  // Hostile input shows as text and runs nothing.
  check((await page.evaluate(() => window.__pwned)) === undefined, 'no injected script ran');
  check((await page.locator('#segments img, #segments script, #segments b:not(td.qa b)').count()) === 0,
    'no element made from input text');
  const body = await page.locator('#segments').innerText();
  check(body.includes('<script>window.__pwned = 1</script>'), 'a <script> in the source is shown as text');
  check(body.includes('"><img src=x onerror="window.__pwned=2">'), 'an attribute break-out is shown as text');
  check(body.includes('</textarea>') && body.includes('{{7*7}}'), '</textarea> and {{…}} are shown as text');
  const row1 = page.locator('tr.seg[data-i="1"]');
  check((await row1.locator('.target').innerText()).includes('<script>window.__pwned=3</script>'),
    'markup in a target is shown as text');

  // The reviewed target lacks `Secretariat`: its hit is marked, with a tooltip.
  const mark = row1.locator('mark.term[data-entry="Ban Bí thư"]');
  check(await mark.evaluate((m) => m.classList.contains('missing')), 'a term missing from the target is marked');
  await mark.hover();
  const tip = await page.locator('#tip').innerText();
  check(tip.includes('Secretariat') && tip.includes('<b>not</b>') && tip.includes('Board of Secretaries'),
    'hovering a term shows its approved target, note (as text) and forbidden renderings');
  // Those details are written once per page, in the data block; the mark points at them.
  check(await mark.evaluate((m) => m.getAttribute('data-note') === null && m.getAttribute('data-forbidden') === null &&
      JSON.parse(document.getElementById('songngu-data').textContent).glossary[+m.dataset.g].note.includes('<b>not</b>')),
    'the mark carries an index into the page\'s glossary, not the details');

  // Filters and search.
  const visible = () => page.locator('tr.seg:visible').count();
  await page.selectOption('#f-flag', 'term-missing');
  check((await visible()) === 1, 'the flag filter shows the one term-missing row');
  await page.selectOption('#f-flag', '');
  await page.selectOption('#f-kind', 'title');
  check((await visible()) === 1, 'the kind filter shows the title');
  await page.selectOption('#f-kind', '');
  await page.fill('#q', 'binh luan');
  check((await visible()) === 1, 'search ignores diacritics');
  await page.fill('#q', '');
  await page.selectOption('#f-status', 'human');
  check((await visible()) === 2, 'the status filter shows the two targets from the memory');
  await page.selectOption('#f-status', '');
  check((await visible()) === n, 'clearing the filters shows every row');

  // Edit the target in place: the missing-term mark clears.
  const fixed = 'On the morning of February 3, 2025, the Secretariat met in Hanoi on Conclusion No. 12-KL/TW.';
  await row1.locator('.target').fill(fixed);
  check(!(await mark.evaluate((m) => m.classList.contains('missing'))), 'the mark clears once the term is there');
  check(await row1.evaluate((r) => r.classList.contains('edited')), 'the edited row is marked');
  await row1.locator('select.status').selectOption('approved');
  await row1.locator('textarea.comment').fill('term fixed <i>by desk</i>');

  // Keyboard: from the title, Alt+ArrowDown goes to the next row, Ctrl+Enter approves and goes on.
  const title = page.locator('tr.seg[data-i="0"] .target');
  await title.click();
  await page.keyboard.type('Secretariat meets on fire safety in Ha Giang');
  await page.keyboard.press('Control+Enter');
  check((await page.locator('tr.seg[data-i="0"] select.status').inputValue()) === 'approved', 'Ctrl+Enter approves');
  check(await page.locator('tr.seg[data-i="1"]').evaluate((r) => r.classList.contains('current')),
    'and moves to the next segment');
  await page.keyboard.press('Alt+ArrowDown');
  check(await page.locator('tr.seg[data-i="2"]').evaluate((r) => r.classList.contains('current')),
    'Alt+ArrowDown moves to the next segment');
  await page.keyboard.press('Control+Shift+Enter');
  check((await page.locator('tr.seg[data-i="2"] select.status').inputValue()) === 'needs-work',
    'Ctrl+Shift+Enter marks needs work');

  // Reload: the edits are kept in local storage.
  await page.reload();
  check((await page.locator('tr.seg[data-i="1"] .target').innerText()) === fixed, 'an edit survives a reload');
  check((await page.locator('tr.seg[data-i="1"] select.status').inputValue()) === 'approved', 'a status survives a reload');
  check((await page.locator('tr.seg[data-i="1"] textarea.comment').inputValue()) === 'term fixed <i>by desk</i>',
    'a comment survives a reload');

  // Export.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  check(download.suggestedFilename() === 'article.corrections.jsonl', 'the export is named after the document');
  const saved = join(mkdtempSync(join(tmpdir(), 'songngu-')), 'export.jsonl');
  await download.saveAs(saved);
  const text = readFileSync(saved, 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  const byId = Object.fromEntries(lines.map((l) => [l.id, l]));
  check(lines.length === 3, 'three rows exported (two approved, one needs work)');
  check(byId['article:0001'].target === fixed && byId['article:0001'].origin === 'human' &&
    byId['article:0001'].status === 'approved', 'the correction is exported as a human target');
  check(byId['article:0002'].status === 'needs-work' && byId['article:0002'].origin === null,
    'a needs-work row is exported without origin');
  writeFileSync(export_path, text);

  if (shot_path) {
    await page.reload();
    await page.locator('tr.seg[data-i="1"] mark.term').first().hover();
    await page.screenshot({ path: shot_path, fullPage: false });
  }
  check(problems.length === 0, 'no page errors, dialogs or network requests' + (problems.length ? ': ' + problems.join('; ') : ''));
} finally {
  await browser.close();
}
