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
  const n = await page.evaluate(() => JSON.parse(document.getElementById('songngu-data').textContent).ids.length);
  check((await page.locator('tr.seg').count()) === n, `one row per segment (${n})`);
  check((await page.locator('mark.term').count()) >= 4, 'glossary hits are highlighted');

  // The review controls are built by the script from one template, with
  // the labels the markup used to carry (issue 13: the file holds none).
  const built = await page.evaluate(() => Array.from(document.querySelectorAll('tr.seg')).map((r) => {
    const seq = r.querySelector('td.n').firstChild.nodeValue;
    const ed = r.querySelector('.target');
    const sel = r.querySelector('td.review select.status');
    const note = r.querySelector('td.review textarea.comment');
    return {
      seq,
      caption: r.querySelector('td.tgt .no-translate') !== null,
      cells: Array.from(r.cells).map((c) => c.className).join(' '),
      editable: ed ? ed.getAttribute('contenteditable') + ' ' + ed.getAttribute('role') + ' ' + ed.spellcheck : null,
      target: ed ? ed.getAttribute('aria-label') : null,
      status: sel ? sel.getAttribute('aria-label') + ': ' + Array.from(sel.options).map((o) => o.value + '=' + o.text).join(',') : null,
      comment: note ? note.getAttribute('aria-label') + ' ' + note.placeholder + ' ' + note.rows : null,
    };
  }));
  check(built.every((b) => b.cells === 'n src ascii tgt review qa'), 'every row has the review column, before QA');
  const editables = built.filter((b) => b.editable !== null);
  check(editables.length === n && built.every((b) => (b.editable === null) === b.caption),
    `every row but an ASCII caption has an editable target (${editables.length}), rows without a target too`);
  check((await page.locator('tr.seg[data-state="empty"] .target').count()) >= 1, 'a row without a target gets an empty one');
  check(editables.every((b) => b.editable === 'plaintext-only textbox true' &&
      b.target === 'target of segment ' + b.seq &&
      b.status === 'review status of segment ' + b.seq + ': =not reviewed,approved=approved,needs-work=needs work' &&
      b.comment === 'comment on segment ' + b.seq + ' comment 1'),
    'each target, status menu and comment is labelled with its segment number: ' + JSON.stringify(editables[0]));
  check((await page.locator('thead th.review').innerText()) === 'review', 'the review column has its heading');
  // The rows whose target is a human correction start approved.
  const human = page.locator('tr.seg[data-state="human"] select.status');
  check((await human.count()) === 2 &&
      (await human.evaluateAll((s) => s.every((e) => e.value === 'approved'))),
    'the two human corrections start approved');
  check((await page.locator('#progress').innerText()) === '2 approved, 0 need work, 0 edited',
    'the progress counts them');
  // Marks: focusable, with their class, entry and check filled in from
  // the page's glossary.
  const marks = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('songngu-data').textContent);
    return Array.from(document.querySelectorAll('mark.term')).map((m) => ({
      tab: m.tabIndex,
      cls: m.dataset.class === m.classList[1],
      entry: m.dataset.entry === (m.getAttribute('data-g') === null ? m.dataset.entry : d.glossary[+m.dataset.g].entry),
      check: (m.dataset.check !== undefined) === d.check.includes(m.classList[1]),
    }));
  });
  check(marks.every((m) => m.tab === 0 && m.cls && m.entry && m.check),
    'every mark is focusable and has its class, entry and check: ' + JSON.stringify(marks));
  // The pattern's hit keeps its own filled-in target.
  const pattern = page.locator('mark.term[data-entry="Kết luận số {code}"]');
  check((await pattern.getAttribute('data-target')) === 'Conclusion No. 12-KL/TW', 'a pattern hit carries its filled target');

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

  // Keyboard focus on a mark shows its tooltip.
  await page.locator('tr.seg[data-i="1"] mark.term', { hasText: 'Hà Nội' }).focus();
  check((await page.locator('#tip').isVisible()) && (await page.locator('#tip').innerText()).includes('Hanoi'),
    'focusing a mark shows its tooltip');
  await page.keyboard.press('Escape');

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

  // Without JavaScript the page still shows the parallel text: every
  // row's source, ASCII and target as the run wrote them (the JSONL beside
  // the page), the QA flags and the header's counts; no review controls.
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1360, height: 900 } });
  const still = await plain.newPage();
  watch(still, problems);
  await still.goto(url);
  const jsonl = readFileSync(page_path.replace(/\.html$/, '.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const shown = await still.evaluate(() => Array.from(document.querySelectorAll('tr.seg')).map((r) => ({
    source: r.querySelector('td.src').textContent,
    ascii: r.querySelector('td.ascii').textContent,
    caption: r.querySelector('td.tgt .no-translate') !== null,
    target: r.querySelector('.target') ? r.querySelector('.target').textContent : '',
    visible: r.querySelector('td.src').offsetHeight > 0 && r.querySelector('td.ascii').offsetHeight > 0 &&
      r.querySelector('td.tgt').offsetHeight > 0,
  })));
  check(shown.length === jsonl.length && shown.every((r, i) => r.visible && r.source === jsonl[i].source &&
      r.ascii === jsonl[i].ascii && r.caption === (jsonl[i].kind === 'ascii-caption') && r.target === (jsonl[i].target || '')),
    'without JavaScript every row shows its source, ASCII and target');
  check((await still.locator('td.qa li').count()) > 0 && (await still.locator('#n-segments').innerText()) === String(n),
    'without JavaScript the QA flags and the header counts are shown');
  check((await still.locator('#segments select, #segments textarea, [contenteditable], th.review, td.review').count()) === 0,
    'without JavaScript there are no review controls');
  check(!(await still.locator('.toolbar').isVisible()) && !(await still.locator('#progress').isVisible()),
    'without JavaScript the inert toolbar and review progress are hidden');
  await plain.close();

  if (shot_path) {
    await page.reload();
    await page.locator('tr.seg[data-i="1"] mark.term').first().hover();
    await page.screenshot({ path: shot_path, fullPage: false });
  }
  check(problems.length === 0, 'no page errors, dialogs or network requests' + (problems.length ? ': ' + problems.join('; ') : ''));
} finally {
  await browser.close();
}
