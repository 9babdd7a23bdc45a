// The review page keeps saved edits per language pair: the `--to en` and
// `--to fr` pages of one article (whose document hash is the same) share
// no saved edit, and each page's export names its own pair.
//
//   node pairs.mjs EN.html FR.html EXPORT-EN.jsonl EXPORT-FR.jsonl
//
// Run by tests/review.rs. In one browser context (one local storage):
// types a target in the en page's first row and approves it, opens the fr
// page and checks that its first row is untouched (no target, not
// approved) and that its export is empty; types and approves there too;
// reloads the en page and checks that its own edit came back. Saves both
// exports. Exits non-zero on the first failed check.
import { check, launch, watch } from './common.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [en_path, fr_path, en_export, fr_export] = process.argv.slice(2);
if (!en_path || !fr_path || !en_export || !fr_export) {
  console.error('usage: node pairs.mjs EN.html FR.html EXPORT-EN.jsonl EXPORT-FR.jsonl');
  process.exit(2);
}

const browser = await launch();
const problems = [];
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  watch(page, problems);
  const open = (p) => page.goto(pathToFileURL(resolve(p)).href);
  const first = () => page.locator('tr.seg:has(.target)').first();
  const exported = async (to) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const text = readFileSync(await download.path(), 'utf8');
    writeFileSync(to, text);
    return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
  };
  const type = async (text) => {
    const ed = first().locator('.target');
    await ed.click();
    await ed.evaluate((e, t) => { e.textContent = t; e.dispatchEvent(new Event('input', { bubbles: true })); }, text);
    await first().locator('select.status').selectOption('approved');
  };

  await open(en_path);
  await type('The Secretariat met.');
  await open(fr_path);
  check((await page.locator('html').getAttribute('lang')) === 'fr', 'the second page is the fr page');
  check((await first().locator('.target').textContent()) === '', 'the fr page does not show the en page\'s edit');
  check((await first().locator('select.status').inputValue()) === '', 'nor its approval');
  check((await exported(fr_export)).length === 0, 'the untouched fr page exports nothing');
  await type('Le Secrétariat s\'est réuni.');
  const fr = await exported(fr_export);
  check(fr.length === 1 && fr[0].target === 'Le Secrétariat s\'est réuni.' && fr[0].status === 'approved',
    'the fr page exports its own approved edit');
  check(fr[0].source_lang === 'vi' && fr[0].target_lang === 'fr', 'the fr export names vi -> fr');
  await open(en_path);
  check((await first().locator('.target').textContent()) === 'The Secretariat met.', 'the en page keeps its own edit');
  const en = await exported(en_export);
  check(en.length === 1 && en[0].target === 'The Secretariat met.' && en[0].source_lang === 'vi' && en[0].target_lang === 'en',
    'the en export holds only the en edit and names vi -> en');
  check(problems.length === 0, 'no page errors, dialogs or network requests' + (problems.length ? ': ' + problems.join('; ') : ''));
} finally {
  await browser.close();
}
