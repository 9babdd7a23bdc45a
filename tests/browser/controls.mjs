// The review page never invents edits: targets that held characters the
// page cannot show (NUL, other C0 controls, U+FFFE/U+FFFF) or a CR are not
// "edited" until the reviewer changes them.
//
//   node controls.mjs PAGE.html EXPORT.jsonl
//
// Run by tests/review.rs on pages written from an article full of control
// characters (cleaned by the reader) and from an engine whose replies carry
// them. Checks that no row starts edited, that typing the same text back is
// no edit, that approving a row exports it unchanged with its `replaces`,
// and saves the export to EXPORT.jsonl. Exits non-zero on the first failed
// check.
import { check, launch, watch } from './common.mjs';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page_path, export_path] = process.argv.slice(2);
if (!page_path || !export_path) {
  console.error('usage: node controls.mjs PAGE.html EXPORT.jsonl');
  process.exit(2);
}


const browser = await launch();
const problems = [];
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(pathToFileURL(resolve(page_path)).href);

  const editedRows = () => page.locator('tr.seg.edited').count();
  const editable = page.locator('tr.seg:has(.target)');
  const n = await editable.count();
  check(n >= 2, `the page has editable rows (${n})`);
  const targets = await editable.locator('.target').allTextContents();
  check(targets.filter((t) => t.trim() !== '').length >= 2, 'at least two rows have a target');
  check(targets.every((t) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\r]/.test(t)),
    'no target shows a control character, U+FFFE/U+FFFF or a CR');
  check((await editedRows()) === 0, 'no row starts edited');
  check((await page.locator('#progress').innerText()).includes('0 edited'), 'the progress counts 0 edited');

  // The first row with a target: approved as it is.
  const withTarget = [];
  for (let i = 0; i < n; i++) {
    if (targets[i].trim() !== '') withTarget.push(i);
  }
  const first = editable.nth(withTarget[0]);
  await first.locator('select.status').selectOption('approved');
  // The second: its text typed back unchanged is no edit.
  const second = editable.nth(withTarget[1]);
  const same = targets[withTarget[1]];
  if (same.includes('\n')) {
    // Enter moves to the next row (a segment is one line), so a line
    // break cannot be typed back: change the text and put it back as an
    // edit would, each change announced with an input event.
    await second.locator('.target').evaluate((ed, t) => {
      ed.textContent = t + ' x';
      ed.dispatchEvent(new Event('input'));
      ed.textContent = t;
      ed.dispatchEvent(new Event('input'));
    }, same);
  } else {
    await second.locator('.target').fill(same + ' x');
    await second.locator('.target').fill(same);
  }
  const after = await second.locator('.target').textContent();
  check(!(await second.evaluate((r) => r.classList.contains('edited'))),
    'typing the same text back is no edit' + (after === same ? '' : ': ' + JSON.stringify([after, same])));
  check((await editedRows()) === 0, 'still no row edited');

  // A reload keeps the approval and invents nothing.
  await page.reload();
  check((await editedRows()) === 0, 'no row edited after a reload');
  check((await editable.nth(withTarget[0]).locator('select.status').inputValue()) === 'approved',
    'the approval survives the reload');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const saved = join(mkdtempSync(join(tmpdir(), 'songngu-')), 'export.jsonl');
  await download.saveAs(saved);
  const text = readFileSync(saved, 'utf8');
  const lines = text.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
  check(lines.length === 1, `one row exported, the approved one (got ${lines.length})`);
  check(lines.every((l) => l.status !== 'edited'), 'no row is exported as edited');
  const row = lines[0];
  check(row.status === 'approved' && row.origin === 'human', 'the approved row is exported as human');
  check(row.target === targets[withTarget[0]].trim() && row.replaces === row.target,
    'it carries the target as shown, and the target it replaces');
  writeFileSync(export_path, text);
  check(problems.length === 0, 'no page errors or network requests' + (problems.length ? ': ' + problems.join('; ') : ''));
} finally {
  await browser.close();
}
