(function () {
  'use strict';
  // Everything shown comes from the server-rendered, escaped table or is
  // set with textContent: this script never parses data as HTML.
  var data = JSON.parse(document.getElementById('songngu-data').textContent);
  var ids = data.ids;
  // Saved edits belong to one document, text and language pair: the page
  // of the same article for another target language starts clean.
  var storeKey = 'songngu:' + data.doc + ':' + data.source_lang + '>' + data.target_lang + ':' + data.key;
  var saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(storeKey) || '{}') || {};
  } catch (e) {
    saved = {};
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.seg'));
  var paras = Array.prototype.slice.call(document.querySelectorAll('tr.para'));
  var $ = function (id) { return document.getElementById(id); };
  var table = $('segments');
  document.documentElement.classList.add('js');

  // The markup holds what reads without this script (number, kind, source
  // with its marks, ASCII, target, origin, QA flags), each once. What it
  // leaves out is built here, before anything reads the rows: the review
  // column, each row's controls cloned from one template with their
  // labels, the editable target, and the attributes the rest of this
  // script, the style and the keyboard use (data-i, data-para, data-kind,
  // data-state, data-flags; a mark's tabindex, data-class, data-entry and
  // data-check).
  var checked = {};
  data.check.forEach(function (c) { checked[c] = true; });
  // The glossary entries of each row's hits (the term filter).
  var rowTerms = [];
  (function build() {
    var qaHead = table.querySelector('thead th.qa');
    var reviewHead = document.createElement('th');
    reviewHead.scope = 'col';
    reviewHead.className = 'review';
    reviewHead.textContent = 'review';
    qaHead.parentNode.insertBefore(reviewHead, qaHead);
    var template = document.createElement('td');
    template.className = 'review';
    var noControls = template.cloneNode(false);
    var select = document.createElement('select');
    select.className = 'status';
    [['', 'not reviewed'], ['approved', 'approved'], ['needs-work', 'needs work']].forEach(function (o) {
      var option = document.createElement('option');
      option.value = o[0];
      option.textContent = o[1];
      select.appendChild(option);
    });
    var comment = document.createElement('textarea');
    comment.className = 'comment';
    comment.rows = 1;
    comment.placeholder = 'comment';
    template.appendChild(select);
    template.appendChild(comment);
    var i = 0, para = '';
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      if (row.classList.contains('para')) { para = row.dataset.para; return; }
      if (!row.classList.contains('seg')) { return; }
      row.dataset.i = i;
      row.dataset.para = para;
      if (!row.dataset.state) { row.dataset.state = 'empty'; }
      var n = row.querySelector('td.n');
      var seq = n.firstChild ? n.firstChild.nodeValue : String(i);
      var kind = n.querySelector('.kind');
      if (!kind) {
        kind = document.createElement('span');
        kind.className = 'kind text';
        kind.textContent = 'text';
        n.appendChild(kind);
      }
      row.dataset.kind = kind.textContent;
      row.dataset.flags = Array.prototype.map.call(row.querySelectorAll('td.qa li > b'), function (b) {
        return b.textContent;
      }).join(' ');
      var terms = (data.terms && data.terms[i]) ? data.terms[i].slice() : [];
      row.querySelectorAll('mark.term').forEach(function (m) {
        var g = entry(m);
        m.tabIndex = 0;
        m.dataset.class = m.classList[1];
        if (m.dataset.entry === undefined && g) { m.dataset.entry = g.entry; }
        if (checked[m.dataset.class]) { m.dataset.check = ''; }
        terms.push(m.dataset.entry);
      });
      rowTerms[i] = terms;
      var ed = row.querySelector('.target');
      var tgt = row.querySelector('td.tgt');
      if (!ed && !tgt.querySelector('.no-translate')) {
        // No target yet: an empty one to type it in.
        ed = document.createElement('div');
        ed.className = 'target';
        tgt.insertBefore(ed, tgt.firstChild);
      }
      var cell;
      if (ed) {
        ed.setAttribute('contenteditable', 'plaintext-only');
        ed.setAttribute('spellcheck', 'true');
        ed.setAttribute('role', 'textbox');
        ed.setAttribute('aria-label', 'target of segment ' + seq);
        ed.dataset.placeholder = '(no target: type one)';
        cell = template.cloneNode(true);
        cell.firstChild.setAttribute('aria-label', 'review status of segment ' + seq);
        cell.lastChild.setAttribute('aria-label', 'comment on segment ' + seq);
      } else {
        cell = noControls.cloneNode(false);
      }
      row.insertBefore(cell, row.querySelector('td.qa'));
      i++;
    });
  })();
  var search = $('q'), fStatus = $('f-status'), fFlag = $('f-flag'), fKind = $('f-kind'), fTerm = $('f-term');
  var tip = $('tip');
  var current = -1;
  // Each target as the page shows it, before any edit: what an edit is
  // measured against. The browser's text, not the data's: characters the
  // page cannot carry (NUL and other controls) are not there, and CR
  // reads as LF, so an untouched row never counts as edited.
  var rendered = {};
  rows.forEach(function (row) {
    var ed = row.querySelector('.target');
    rendered[row.dataset.i] = ed ? ed.textContent : '';
  });

  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0111/g, 'd').replace(/\u0110/g, 'D').toLowerCase();
  }
  // A term mark's glossary entry (approved target, note, forbidden
  // renderings), written once per page in the data block.
  function entry(m) { return m.dataset.g === undefined ? null : data.glossary[+m.dataset.g]; }
  // The hit's target: its own when it differs from the entry's (a pattern's).
  function target(m) { return m.dataset.target !== undefined ? m.dataset.target : entry(m).target; }
  function editor(row) { return row.querySelector('.target'); }
  function state(i) { return saved[ids[i]] || {}; }
  // The source and ASCII text, as the table shows them.
  function sourceText(row) { return row.querySelector('td.src').textContent; }
  var folded = [];
  function foldedCells(row) {
    var i = +row.dataset.i;
    if (folded[i] === undefined) { folded[i] = [fold(sourceText(row)), fold(row.querySelector('td.ascii').textContent)]; }
    return folded[i];
  }
  function persist() {
    try {
      localStorage.setItem(storeKey, JSON.stringify(saved));
    } catch (e) {
      $('progress').textContent = 'cannot keep edits in this browser: ' + e.message;
    }
  }
  function update(i, fields) {
    var id = ids[i];
    var s = saved[id] || {};
    Object.keys(fields).forEach(function (k) {
      if (fields[k] === undefined || fields[k] === '') { delete s[k]; } else { s[k] = fields[k]; }
    });
    if (Object.keys(s).length) { saved[id] = s; } else { delete saved[id]; }
    persist();
  }
  function text(row) { return editor(row) ? editor(row).textContent : ''; }
  function edited(row) {
    return editor(row) !== null && text(row) !== rendered[row.dataset.i];
  }
  // A target corrected by a human (from the memory) is approved unless the
  // reviewer says otherwise; `none` records an explicit "not reviewed".
  function human(i) { return rows[i] !== undefined && rows[i].dataset.state === 'human'; }
  function review(i) {
    var st = state(i).status;
    if (st === undefined) { return human(i) ? 'approved' : ''; }
    return st === 'none' ? '' : st;
  }
  function status(row) {
    var st = review(+row.dataset.i);
    if (st) { return st; }
    if (edited(row)) { return 'edited'; }
    return row.dataset.state;
  }
  function refresh(row) {
    var i = +row.dataset.i;
    row.classList.toggle('edited', edited(row));
    row.dataset.review = review(i);
    var t = text(row).toLowerCase();
    var hasTarget = t.trim() !== '' && row.dataset.state !== 'draft' || edited(row);
    row.querySelectorAll('mark.term[data-check]').forEach(function (m) {
      var accepted = [target(m)];
      var g = entry(m);
      if (g && accepted.indexOf(g.target) < 0) { accepted.push(g.target); }
      var ok = accepted.some(function (a) { return t.indexOf(a.toLowerCase()) >= 0; });
      m.classList.toggle('missing', hasTarget && !ok);
    });
  }
  function progress() {
    var approved = 0, work = 0, changed = 0;
    rows.forEach(function (r) {
      var st = review(+r.dataset.i);
      if (st === 'approved') { approved++; }
      if (st === 'needs-work') { work++; }
      if (edited(r)) { changed++; }
    });
    $('progress').textContent = approved + ' approved, ' + work + ' need work, ' + changed + ' edited';
  }
  function apply() {
    var q = fold(search.value.trim());
    var fs = fStatus.value, ff = fFlag.value, fk = fKind.value, ft = fTerm.value;
    var shown = 0, anyFlags = false;
    var visiblePara = {};
    rows.forEach(function (row) {
      var i = +row.dataset.i;
      var flags = row.dataset.flags ? row.dataset.flags.split(' ') : [];
      var st = status(row);
      var ok = true;
      if (fk && row.dataset.kind !== fk) { ok = false; }
      if (ff === '*' && !flags.length) { ok = false; }
      if (ff === '-' && flags.length) { ok = false; }
      if (ff && ff !== '*' && ff !== '-' && flags.indexOf(ff) < 0) { ok = false; }
      if (ft && rowTerms[i].indexOf(ft) < 0) { ok = false; }
      if (fs === 'todo') {
        if (st === 'approved' || st === 'human' || row.dataset.kind === 'ascii-caption') { ok = false; }
      } else if (fs === 'human') {
        if (row.dataset.state !== 'human') { ok = false; }
      } else if (fs && st !== fs) { ok = false; }
      if (q && foldedCells(row)[0].indexOf(q) < 0 && foldedCells(row)[1].indexOf(q) < 0 && fold(text(row)).indexOf(q) < 0) { ok = false; }
      row.hidden = !ok;
      if (ok) { shown++; visiblePara[row.dataset.para] = true; }
      if (ok && flags.length) { anyFlags = true; }
    });
    // The QA column takes room only when a row shown has something in it.
    table.classList.toggle('no-qa', !anyFlags);
    fitColumns();
    paras.forEach(function (p) { p.hidden = !visiblePara[p.dataset.para]; });
    $('shown').textContent = shown + ' of ' + rows.length + ' segments shown';
  }
  // Layout for laptop screens: the ASCII column can be hidden (remembered
  // in this browser for every page), and the row in focus is kept fully
  // visible below the sticky header.
  var header = document.querySelector('header'), showAscii = $('show-ascii');
  var layoutKey = 'songngu:layout';
  function layout() {
    try {
      return JSON.parse(localStorage.getItem(layoutKey) || '{}') || {};
    } catch (e) {
      return {};
    }
  }
  // The paragraph rows span the columns shown: a wider span would keep
  // room for the hidden columns in the fixed table layout.
  function fitColumns() {
    var span = table.querySelectorAll('thead th').length;
    if (table.classList.contains('no-ascii')) { span--; }
    if (table.classList.contains('no-qa')) { span--; }
    paras.forEach(function (p) { p.firstElementChild.colSpan = span; });
  }
  function setAscii(show, remember) {
    table.classList.toggle('no-ascii', !show);
    fitColumns();
    showAscii.checked = show;
    if (remember) {
      var l = layout();
      l.ascii = show;
      try { localStorage.setItem(layoutKey, JSON.stringify(l)); } catch (e) { /* kept for this visit only */ }
    }
  }
  setAscii(layout().ascii !== false, false);
  showAscii.addEventListener('change', function () { setAscii(showAscii.checked, true); });
  function headerBottom() {
    var bottom = Math.max(0, header.getBoundingClientRect().bottom);
    // The browser's own scrolling to a focused field (Tab) keeps clear of it too.
    document.documentElement.style.scrollPaddingTop = Math.ceil(bottom + 8) + 'px';
    return bottom;
  }
  headerBottom();
  window.addEventListener('resize', headerBottom);
  function reveal(row) {
    var top = headerBottom() + 4, bottom = window.innerHeight - 4;
    var r = row.getBoundingClientRect();
    if (r.top < top) {
      window.scrollBy(0, r.top - top);
    } else if (r.bottom > bottom) {
      // Its bottom into view, but never its top under the header.
      window.scrollBy(0, Math.min(r.bottom - bottom, r.top - top));
    }
  }
  function visible() { return rows.filter(function (r) { return !r.hidden; }); }
  function go(delta) {
    var v = visible();
    if (!v.length) { return; }
    var at = v.indexOf(rows[current]);
    var next = at < 0 ? (delta > 0 ? 0 : v.length - 1) : Math.min(v.length - 1, Math.max(0, at + delta));
    focusRow(v[next]);
  }
  function focusRow(row) {
    if (current >= 0) { rows[current].classList.remove('current'); }
    current = +row.dataset.i;
    row.classList.add('current');
    var ed = editor(row);
    if (ed) { ed.focus({ preventScroll: true }); } else { row.querySelector('.src').focus({ preventScroll: true }); }
    reveal(row);
  }
  function setStatus(row, value) {
    var sel = row.querySelector('select.status');
    if (!sel) { return; }
    sel.value = value;
    var i = +row.dataset.i;
    // Only what differs from the row's own state is kept.
    var keep = value;
    if (human(i)) { keep = value === 'approved' ? undefined : (value || 'none'); }
    update(i, { status: keep });
    refresh(row);
    progress();
  }

  rows.forEach(function (row) {
    var i = +row.dataset.i;
    var s = state(i);
    var ed = editor(row);
    if (ed && typeof s.target === 'string') { ed.textContent = s.target; }
    var sel = row.querySelector('select.status');
    if (sel) { sel.value = review(i); }
    var comment = row.querySelector('textarea.comment');
    if (comment && s.comment) { comment.value = s.comment; }
    refresh(row);
    if (ed) {
      ed.addEventListener('input', function () {
        update(i, { target: edited(row) ? ed.textContent : undefined });
        refresh(row);
        progress();
      });
      ed.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
          // One segment is one line: Enter goes on instead of breaking it.
          e.preventDefault();
          go(1);
        }
      });
    }
    if (sel) { sel.addEventListener('change', function () { setStatus(row, sel.value); }); }
    if (comment) {
      comment.addEventListener('input', function () { update(i, { comment: comment.value }); });
    }
    row.addEventListener('focusin', function () {
      if (current !== i) {
        if (current >= 0) { rows[current].classList.remove('current'); }
        current = i;
        row.classList.add('current');
      }
    });
  });

  function showTip(m) {
    var lines = [m.textContent + ' \u2192 ' + target(m) + '  (' + m.dataset.class + ')'];
    if (m.dataset.entry && m.dataset.entry !== m.textContent) { lines.push('entry: ' + m.dataset.entry); }
    var g = entry(m);
    if (g && g.note) { lines.push('note: ' + g.note); }
    var not = g && g.forbidden ? g.forbidden.join(' \u00b7 ') : '';
    if (not) { lines.push('not: ' + not); }
    if (m.classList.contains('missing')) { lines.push('the target lacks the approved term'); }
    if (m.dataset.class === 'partial') { lines.push('part of a longer name: not its translation'); }
    if (m.dataset.class === 'unnumbered') { lines.push('no document number: perhaps not the document type'); }
    tip.textContent = lines.join('\n');
    tip.hidden = false;
    var r = m.getBoundingClientRect();
    tip.style.left = Math.max(4, r.left + window.scrollX) + 'px';
    tip.style.top = (r.bottom + window.scrollY + 4) + 'px';
  }
  function hideTip() { tip.hidden = true; }
  document.querySelectorAll('mark.term').forEach(function (m) {
    m.addEventListener('mouseenter', function () { showTip(m); });
    m.addEventListener('focus', function () { showTip(m); });
    m.addEventListener('mouseleave', hideTip);
    m.addEventListener('blur', hideTip);
  });

  [search, fStatus, fFlag, fKind, fTerm].forEach(function (el) {
    el.addEventListener(el === search ? 'input' : 'change', apply);
  });

  document.addEventListener('keydown', function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      go(e.key === 'ArrowDown' ? 1 : -1);
    } else if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      if (current >= 0) {
        setStatus(rows[current], e.shiftKey ? 'needs-work' : 'approved');
        if (!e.shiftKey) { go(1); }
      }
    } else if (e.key === 'Escape') {
      hideTip();
      if (t && t.blur) { t.blur(); }
    } else if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      if (e.key === 'j') { e.preventDefault(); go(1); }
      if (e.key === 'k') { e.preventDefault(); go(-1); }
      if (e.key === '/') { e.preventDefault(); search.focus(); }
    }
  });

  $('export').addEventListener('click', function () {
    var lines = [];
    rows.forEach(function (row) {
      var i = +row.dataset.i;
      if (!editor(row)) { return; }
      var s = state(i);
      var st = review(i);
      var changed = edited(row);
      var touched = (s.status !== undefined && s.status !== 'none') || changed || s.comment;
      if (!touched) { return; }
      var target = text(row).trim();
      var before = rendered[row.dataset.i].trim();
      lines.push(JSON.stringify({
        id: ids[i],
        doc: data.doc,
        source: sourceText(row),
        target: target === '' ? null : target,
        origin: target !== '' && (st === 'approved' || (changed && st !== 'needs-work')) ? 'human' : null,
        status: st || (changed ? 'edited' : 'commented'),
        comment: s.comment || '',
        // The target as the page showed it: `tm import` stores an edit
        // that gives the same text back as nothing.
        replaces: before === '' ? null : before,
        // The page's language pair: `tm import` stores the row for it.
        source_lang: data.source_lang,
        target_lang: data.target_lang
      }));
    });
    var blob = new Blob([lines.join('\n') + (lines.length ? '\n' : '')], { type: 'application/x-ndjson' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = data.doc + '.corrections.jsonl';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    $('progress').textContent = lines.length + ' correction(s) exported to ' + a.download;
  });

  apply();
  progress();
})();
