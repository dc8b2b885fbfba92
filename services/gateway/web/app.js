// Tarjotin web UI: one page, state in the URL query string.
//   ?lang=fi|sv|en                     UI language (remembered in localStorage)
//   ?need=ID | ?q=TEXT [&code=F03]     step 1: need (or free-text search)
//   &kind=ID | &kind=all               step 2: kind of activity
//   &municipality=749 | &county=PS | &municipality=all   step 3: place
//   &page=N                            results page
//   ?activity=UUID (+ the search)      detail page
// No framework: views are built with DOM calls (text is never parsed as HTML).

import { LANGS, DEFAULT_LANG, LANG_NAMES, LANG_KEY, readLang, t as translate } from './i18n.js';
import { ApiError, getTaxonomies, getMunicipalities, searchActivities, getActivity, getSession } from './api.js';
import { trayButton, setSearchContext } from './tray.js';
import { mountHeader } from './header.js';
import { h } from './dom.js';
import { renderCard, renderDetail, label as labelIn, countyName as countyNameIn, LOCALES } from './card.js';

const PER_PAGE = 20;
const ALL = 'all';
const PARAM_ORDER = ['lang', 'q', 'code', 'need', 'kind', 'county', 'municipality', 'page', 'activity'];

let lang = DEFAULT_LANG;
let renderSeq = 0;
let header = null;

const t = (key, params) => translate(lang, key, params);
const $ = (sel, root = document) => root.querySelector(sel);

// ---------------------------------------------------------------- state & URLs

function readState() {
  const p = new URLSearchParams(location.search);
  const clean = (name, max = 200) => (p.get(name) || '').trim().slice(0, max);
  const page = parseInt(p.get('page') || '1', 10);
  return {
    lang: readLang(p),
    q: clean('q'),
    code: clean('code', 20),
    need: clean('need', 100),
    kind: clean('kind', 100),
    county: clean('county', 20),
    municipality: clean('municipality', 20),
    page: Number.isFinite(page) && page > 0 ? page : 1,
    activity: clean('activity', 100),
  };
}

function hrefFor(state) {
  const p = new URLSearchParams();
  for (const k of PARAM_ORDER) {
    const v = state[k];
    if (v === undefined || v === null || v === '') continue;
    if (k === 'page' && Number(v) <= 1) continue;
    p.set(k, String(v));
  }
  return '?' + p.toString();
}

// Filters for the API from the UI state ('all' means "no filter").
function apiFilters(state, extra = {}) {
  const f = {};
  if (state.need && state.need !== ALL) f.need = state.need;
  if (state.q) f.q = state.q;
  if (state.kind && state.kind !== ALL) f.kind = state.kind;
  if (state.municipality && state.municipality !== ALL) f.municipality = state.municipality;
  if (state.county) f.county = state.county;
  return Object.assign(f, extra);
}

const hasNeed = (s) => Boolean(s.need || s.q);
const hasKind = (s) => Boolean(s.kind);
const hasPlace = (s) => Boolean(s.municipality || s.county);

function viewOf(s) {
  if (s.activity) return 'detail';
  if (!hasNeed(s)) return 'front';
  if (!hasKind(s)) return 'kind';
  if (!hasPlace(s)) return 'place';
  return 'results';
}

// ---------------------------------------------------------------- formatting

const label = (term, fallback) => labelIn(term, lang, fallback);
const countyName = (county) => countyNameIn(county, lang);

function norm(s) {
  return String(s || '').toLocaleLowerCase('fi').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function indexBy(list, key) {
  const m = new Map();
  for (const x of list || []) m.set(x[key], x);
  return m;
}

function cap(text) {
  return text ? text.charAt(0).toLocaleUpperCase(LOCALES[lang]) + text.slice(1) : text;
}

// ---------------------------------------------------------------- reference data

async function loadRef() {
  const [tax, mun] = await Promise.all([getTaxonomies(lang), getMunicipalities(lang)]);
  return {
    needs: tax.needs || [],
    kinds: tax.kinds || [],
    targetGroups: tax.target_groups || [],
    needById: indexBy(tax.needs, 'id'),
    kindById: indexBy(tax.kinds, 'id'),
    targetById: indexBy(tax.target_groups, 'id'),
    municipalityList: mun.municipalities || [],
    municipalities: indexBy(mun.municipalities, 'code'),
    countyList: mun.counties || [],
    counties: indexBy(mun.counties, 'key'),
  };
}

// Diagnosis codes: "F03", "g30.1", "F00-F03" → the need whose ICD-10 range covers it.
function icdValue(code) {
  const m = /^([A-Z])(\d{2})/.exec(code.toUpperCase());
  return m ? (m[1].charCodeAt(0) - 64) * 100 + Number(m[2]) : null;
}

function needForQuery(q, ref) {
  const text = q.trim();
  if (/^[A-Za-z]\d{2}(\.\d{1,2})?$/.test(text)) {
    const v = icdValue(text);
    for (const need of ref.needs) {
      for (const range of need.icd10 || []) {
        const [lo, hi] = String(range).split(/[-–]/).map((x) => icdValue(x.trim()));
        if (lo !== null && v >= lo && v <= (hi === undefined || hi === null ? lo : hi)) {
          return { need: need.id, code: text.toUpperCase() };
        }
      }
    }
    return null;
  }
  const n = norm(text);
  for (const need of ref.needs) {
    const words = [];
    for (const l of LANGS) {
      if (need.label && need.label[l]) words.push(need.label[l]);
      if (need.synonyms && need.synonyms[l]) words.push(...need.synonyms[l]);
    }
    if (words.some((w) => norm(w) === n)) return { need: need.id, code: '' };
  }
  return null;
}

// ---------------------------------------------------------------- chrome (header, language)

function applyStaticStrings() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  const state = readState();
  for (const a of document.querySelectorAll('.lang-switch a[data-lang]')) {
    const l = a.dataset.lang;
    a.textContent = LANG_NAMES[l];
    a.href = hrefFor({ ...state, lang: l });
    if (l === lang) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
  }
  const brand = $('.brand');
  if (brand) brand.href = hrefFor({ lang });
  if (header) header.setLang(lang);
}

function setLang(next) {
  if (!LANGS.includes(next)) return;
  lang = next;
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* ignore */ }
  const state = readState();
  history.replaceState(history.state, '', hrefFor({ ...state, lang }));
  applyStaticStrings();
  render({ focus: false, announce: true, keep: true });
}

// ---------------------------------------------------------------- announcing & focus

let announceTimer = 0;
function announce(text) {
  const live = $('#announcer');
  if (!live) return;
  clearTimeout(announceTimer);
  live.textContent = '';
  announceTimer = setTimeout(() => { live.textContent = text; }, 120);
}

function focusHeading() {
  const h1 = $('#view h1');
  if (h1) {
    if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
}

// ---------------------------------------------------------------- shared view parts

function errorBox(err, retry) {
  let msg = t('error.generic');
  let detail = '';
  if (err instanceof ApiError) {
    if (err.kind === 'unavailable') msg = t('error.unavailable');
    else if (err.kind === 'network') msg = t('error.network');
    else detail = err.message;
  }
  return h('div', { class: 'error-box', role: 'alert', dataset: { error: err && err.kind || 'error' } },
    h('h2', { text: t('error.heading') }),
    h('p', { text: msg }),
    detail ? h('p', { class: 'detail', text: detail }) : null,
    h('p', {},
      h('button', { type: 'button', class: 'button secondary', onclick: retry, text: t('error.retry') }),
      ' ',
      h('a', { href: hrefFor({ lang }), 'data-nav': true, text: t('step.restart') })));
}

function choiceLink(href, text, count, extraClass, data) {
  return h('li', {},
    h('a', { class: 'choice' + (extraClass ? ' ' + extraClass : ''), href, 'data-nav': true, 'data-choice': true, dataset: { count: String(count), ...(data || {}) } },
      h('span', { class: 'choice-label', text }),
      h('span', { class: 'visually-hidden', text: ', ' }),
      h('span', { class: 'choice-count', text: t('count', { n: count }) })));
}

// The chosen need, kind and place as text. Without reference data (ref null, before it
// has arrived) a choice whose name only the data knows is null, not a guess.
function needText(s, ref) {
  if (s.need === ALL) return t('step.all');
  if (s.need) {
    if (!ref) return null;
    const name = label(ref.needById.get(s.need), s.need);
    return s.code ? `${name} (${s.code})` : name;
  }
  if (s.q) return t('search.query', { q: s.q });
  return '';
}

function kindText(s, ref) {
  if (!s.kind) return '';
  if (s.kind === ALL) return t('step.all');
  if (!ref) return null;
  return label(ref.kindById.get(s.kind), s.kind);
}

function placeText(s, ref) {
  if (!ref && (s.county || (s.municipality && s.municipality !== ALL))) return null;
  if (s.county) return t('area.countyNamed', { name: countyName(ref.counties.get(s.county)) || s.county });
  if (!s.municipality) return '';
  if (s.municipality === ALL) return t('step.all');
  return (ref.municipalities.get(s.municipality) || {}).name || s.municipality;
}

// The step indicator: what was chosen, and a way to change each choice. With ref null
// (a skeleton) a name the data must give is a placeholder of about its size.
function stepsNav(s, ref, current) {
  const items = [
    { n: 1, key: 'need', name: t('step.need'), chosen: hasNeed(s), value: needText(s, ref), clear: { q: '', code: '', need: '' } },
    { n: 2, key: 'kind', name: t('step.kind'), chosen: hasKind(s), value: kindText(s, ref), clear: { kind: '' } },
    { n: 3, key: 'place', name: t('step.place'), chosen: hasPlace(s), value: placeText(s, ref), clear: { municipality: '', county: '' } },
  ];
  return h('nav', { class: 'steps-nav', 'aria-label': t('nav.steps') },
    h('ol', { class: 'steps' },
      items.map((it) => h('li', { 'aria-current': it.key === current ? 'step' : null, dataset: { step: it.key } },
        h('span', { class: 'step-label', text: `${it.n}. ${it.name}:` }),
        it.value === null
          ? h('span', { class: 'step-value' }, sk('sk-value'))
          : h('span', { class: 'step-value', text: cap(it.value) || t('step.notChosen') }),
        it.chosen ? h('a', { href: hrefFor({ ...s, ...it.clear, page: 1, activity: '' }), 'data-nav': true, 'data-change': it.key },
          t('step.change'), h('span', { class: 'visually-hidden', text: ` – ${it.name}` })) : null)),
      h('li', { class: 'step-restart-item' },
        h('a', { class: 'step-restart', href: hrefFor({ lang }), 'data-nav': true, text: t('step.restart') }))));
}

// ---------------------------------------------------------------- views

async function viewFront(s) {
  const [ref, res] = await Promise.all([loadRef(), searchActivities(apiFilters(s, { per_page: 1 }), lang)]);
  const counts = (res.facets && res.facets.need) || {};
  const needs = ref.needs.filter((n) => counts[n.id] > 0);
  for (const id of Object.keys(counts)) if (!ref.needById.has(id) && counts[id] > 0) needs.push({ id });
  const anyFilter = hasKind(s) || hasPlace(s);
  const view = [
    frontIntro(),
    anyFilter ? stepsNav(s, ref, 'need') : null,
    h('section', { 'aria-labelledby': 'need-heading' },
      h('p', { class: 'step-count', text: t('step', { n: 1 }) }),
      h('h2', { id: 'need-heading', text: t('need.heading') }),
      searchForm(s),
      needs.length
        ? h('ul', { class: 'choices need-choices', 'data-dim': 'need' },
          needs.map((n) => choiceLink(hrefFor({ ...s, need: n.id, q: '', code: '', page: 1 }), label(n), counts[n.id], '', { value: n.id })))
        : h('p', { class: 'notice', text: t('need.none') })),
  ];
  return {
    nodes: view,
    title: t('front.title'),
    titleIsFull: true,
    say: `${t('step', { n: 1 })}: ${t('need.heading')} ${t('options', { n: needs.length })}`,
  };
}

function frontIntro() {
  return h('div', { class: 'intro' },
    h('h1', { tabindex: '-1', text: t('front.h1') }),
    h('p', { class: 'lead', text: t('front.lead') }));
}

// The search box. It works before the reference data has arrived (it is part of the
// front page's skeleton): a submit waits for the data to match a need.
function searchForm(s) {
  const errorId = 'search-error';
  let errorEl;
  const input = h('input', { type: 'search', id: 'q', name: 'q', autocomplete: 'off', maxlength: '200', 'aria-describedby': 'q-hint', enterkeyhint: 'search' });
  const form = h('form', { class: 'search-form', role: 'search', action: './', method: 'get' },
    h('label', { for: 'q', text: t('search.label') }),
    h('p', { class: 'hint', id: 'q-hint', text: t('search.hint') }),
    h('div', { class: 'search-row' }, input, h('button', { type: 'submit', class: 'button', text: t('search.button') })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = input.value.trim().slice(0, 200);
    if (errorEl) { errorEl.remove(); errorEl = null; input.removeAttribute('aria-invalid'); input.setAttribute('aria-describedby', 'q-hint'); }
    if (!q) {
      errorEl = h('p', { class: 'field-error', id: errorId, text: t('search.empty') });
      form.append(errorEl);
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'q-hint ' + errorId);
      input.focus();
      return;
    }
    let hit = null;
    try {
      hit = needForQuery(q, await loadRef());
    } catch (err) {
      hit = null; // no reference data: search the words as they are
    }
    const next = hit ? { ...s, q: '', need: hit.need, code: hit.code, page: 1 } : { ...s, q, need: '', code: '', page: 1 };
    navigate(hrefFor(next));
  });
  return form;
}

function frontFallback(err, retry) {
  // The front page still greets and explains when the API is down.
  return [frontIntro(), errorBox(err, retry)];
}

async function viewKind(s) {
  const [ref, res] = await Promise.all([loadRef(), searchActivities(apiFilters(s, { per_page: 1 }), lang)]);
  const counts = (res.facets && res.facets.kind) || {};
  const kinds = ref.kinds.filter((k) => counts[k.id] > 0);
  // Kinds the API counts but the taxonomy lacks are still offered (no hidden results).
  for (const id of Object.keys(counts)) if (!ref.kindById.has(id) && counts[id] > 0) kinds.push({ id });
  const nodes = [
    stepsNav(s, ref, 'kind'),
    h('p', { class: 'step-count', text: t('step', { n: 2 }) }),
    h('h1', { tabindex: '-1', text: t('kind.heading') }),
  ];
  if (res.total > 0) {
    nodes.push(h('ul', { class: 'choices kind-choices', 'data-dim': 'kind' },
      kinds.map((k) => choiceLink(hrefFor({ ...s, kind: k.id, page: 1 }), label(k, k.id), counts[k.id], '', { value: k.id })),
      kinds.length > 1 ? choiceLink(hrefFor({ ...s, kind: ALL, page: 1 }), t('kind.all'), res.total, 'skip', { value: ALL }) : null));
  } else {
    nodes.push(emptyNotice(s, ref, res));
  }
  return {
    nodes,
    title: `${t('kind.heading')} – ${needText(s, ref)}`,
    say: `${t('step', { n: 2 })}: ${t('kind.heading')} ${t('options', { n: kinds.length })}`,
  };
}

async function viewPlace(s) {
  const [ref, res] = await Promise.all([loadRef(), searchActivities(apiFilters(s, { per_page: 1 }), lang)]);
  const mCounts = (res.facets && res.facets.municipality) || {};
  const cCounts = (res.facets && res.facets.county) || {};
  const counties = Object.keys(cCounts).filter((k) => cCounts[k] > 0)
    .map((k) => ({ key: k, name: countyName(ref.counties.get(k)) || k, count: cCounts[k] }))
    .sort((a, b) => a.name.localeCompare(b.name, LOCALES[lang]));
  const munis = Object.keys(mCounts).filter((c) => mCounts[c] > 0)
    .map((c) => ({ code: c, name: (ref.municipalities.get(c) || {}).name || c, count: mCounts[c] }))
    .sort((a, b) => a.name.localeCompare(b.name, 'fi'));

  const nodes = [
    stepsNav(s, ref, 'place'),
    h('p', { class: 'step-count', text: t('step', { n: 3 }) }),
    h('h1', { tabindex: '-1', text: t('place.heading') }),
  ];
  if (!(res.total > 0)) {
    nodes.push(emptyNotice(s, ref, res));
    return { nodes, title: t('place.heading'), say: t('results.empty') };
  }

  const items = [];
  const placeItem = (href, text, count, search, value, dim) => {
    const li = choiceLink(href, text, count, 'compact', { value, dim });
    li.dataset.search = norm(search);
    items.push(li);
    return li;
  };
  const countyList = h('ul', { class: 'choices place-list', id: 'county-list', 'data-dim': 'county' },
    counties.map((c) => placeItem(hrefFor({ ...s, county: c.key, municipality: '', page: 1 }), cap(t('area.countyNamed', { name: c.name })), c.count, c.name + ' ' + c.key, c.key, 'county')));
  const muniList = h('ul', { class: 'choices place-list', id: 'municipality-list', 'data-dim': 'municipality' },
    munis.map((m) => placeItem(hrefFor({ ...s, municipality: m.code, county: '', page: 1 }), m.name, m.count, m.name + ' ' + m.code, m.code, 'municipality')));
  const countyHeading = h('h2', { id: 'county-heading', text: t('place.counties') });
  const muniHeading = h('h2', { id: 'municipality-heading', text: t('place.municipalities') });
  const noMatch = h('p', { class: 'notice', hidden: true, text: t('place.noMatch') });
  const status = h('p', { class: 'hint', id: 'place-count', text: t('place.matches', { n: items.length }) });

  const input = h('input', {
    type: 'text', id: 'place-filter', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'place-hint place-count',
    'aria-controls': [counties.length ? 'county-list' : '', munis.length ? 'municipality-list' : ''].filter(Boolean).join(' ') || null,
  });
  let sayTimer = 0;
  const filter = () => {
    const q = norm(input.value.trim());
    let shown = 0;
    let last = null;
    for (const li of items) {
      const ok = !q || li.dataset.search.split(/\s+/).some((w) => w.startsWith(q)) || li.dataset.search.includes(q);
      li.hidden = !ok;
      if (ok) { shown += 1; last = li; }
    }
    const cVisible = [...countyList.children].some((li) => !li.hidden);
    const mVisible = [...muniList.children].some((li) => !li.hidden);
    countyHeading.hidden = countyList.hidden = !cVisible;
    muniHeading.hidden = muniList.hidden = !mVisible;
    noMatch.hidden = shown > 0;
    status.textContent = t('place.matches', { n: shown });
    clearTimeout(sayTimer);
    sayTimer = setTimeout(() => announce(shown ? t('place.matches', { n: shown }) : t('place.noMatch')), 500);
    return shown === 1 ? last : null;
  };
  input.addEventListener('input', filter);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const only = filter();
      if (only) navigate(only.querySelector('a').getAttribute('href'));
    } else if (e.key === 'ArrowDown') {
      const first = items.find((li) => !li.hidden);
      if (first) { e.preventDefault(); first.querySelector('a').focus(); }
    }
  });

  nodes.push(
    h('div', { class: 'filter' },
      h('label', { for: 'place-filter', text: t('place.filter') }),
      h('p', { class: 'hint', id: 'place-hint', text: t('place.filterHint') }),
      input,
      status),
    noMatch,
    h('div', { class: 'place-groups' },
      counties.length ? [countyHeading, countyList] : null,
      munis.length ? [muniHeading, muniList] : null),
    h('ul', { class: 'choices' },
      choiceLink(hrefFor({ ...s, municipality: ALL, county: '', page: 1 }), t('place.all'), res.total, 'skip', { value: ALL, dim: 'municipality' })));
  if (!counties.length) countyHeading.hidden = true;
  if (!munis.length) muniHeading.hidden = true;
  return {
    nodes,
    title: `${t('place.heading')} – ${needText(s, ref)}`,
    say: `${t('step', { n: 3 })}: ${t('place.heading')} ${t('options', { n: items.length })}`,
  };
}

const FILTER_NAMES = { need: 'need', q: 'need', kind: 'kind', municipality: 'place', county: 'place' };

function emptyNotice(s, ref, res) {
  const box = h('div', { class: 'notice', 'data-empty': true }, h('p', { text: t('results.empty') }));
  const b = res && res.broader;
  if (b && b.drop && b.total > 0) {
    // Drop the filter but keep the step answered ('all'), so the link lands
    // straight on the promised results instead of an earlier step.
    const drop = b.drop;
    const clear = { [drop]: '', page: 1 };
    if (drop === 'need' || drop === 'q') Object.assign(clear, { need: ALL, q: '', code: '' });
    else if (drop === 'kind') clear.kind = ALL;
    // {"drop":"municipality","county":"PS"}: the municipality's whole county.
    else if (drop === 'municipality' && b.county) Object.assign(clear, { municipality: '', county: b.county });
    else if (drop === 'municipality' || drop === 'county') Object.assign(clear, { municipality: ALL, county: '' });
    let what = drop;
    let key = 'results.broader';
    if (drop === 'municipality' && b.county) {
      key = 'results.broader_county';
      what = placeText({ county: b.county }, ref);
    } else if (FILTER_NAMES[drop] === 'need') what = needText(s, ref);
    else if (drop === 'kind') what = kindText(s, ref);
    else if (FILTER_NAMES[drop] === 'place') what = placeText(s, ref);
    box.append(h('p', {}, h('a', { href: hrefFor({ ...s, ...clear }), 'data-nav': true, 'data-broader': drop, text: t(key, { what, n: b.total }) })));
  } else {
    box.append(h('p', {}, h('a', { href: hrefFor({ lang }), 'data-nav': true, text: t('step.restart') })));
  }
  return box;
}

// A signed-in professional gets the tray's buttons (docs/contactrequests.md). The session
// is fetched once per page load, in parallel with the view's data; without it, no tray.
async function isProfessional() {
  try {
    const sess = await getSession(lang);
    return Boolean(sess.signed_in && sess.account && sess.account.role === 'professional');
  } catch (e) {
    return false;
  }
}

const trayFor = (pro) => (pro ? (it) => trayButton(it, lang, announce) : null);

function card(item, s, ref, pro) {
  return renderCard(item, { lang, ref, nav: true, href: (it) => hrefFor({ ...s, activity: it.id }), tray: trayFor(pro) });
}

async function viewResults(s) {
  const [ref, res, pro] = await Promise.all([loadRef(), searchActivities(apiFilters(s, { page: s.page, per_page: PER_PAGE }), lang), isProfessional()]);
  setSearchContext(s.need, s.municipality);
  const total = res.total || 0;
  const pages = Math.max(1, Math.ceil(total / (res.per_page || PER_PAGE)));
  const items = res.items || [];
  const nodes = [
    stepsNav(s, ref, 'results'),
    h('h1', { tabindex: '-1', text: t('results.heading') }),
  ];
  let say;
  if (total === 0) {
    nodes.push(emptyNotice(s, ref, res));
    say = t('results.empty');
  } else {
    const found = t('results.found', { n: total });
    nodes.push(h('p', { class: 'result-summary', id: 'result-summary', 'data-total': String(total), text: found }));
    if (items.length) {
      nodes.push(h('ul', { class: 'cards', 'aria-describedby': 'result-summary' }, items.map((it) => card(it, s, ref, pro))));
    } else {
      nodes.push(h('p', { class: 'notice' }, h('a', { href: hrefFor({ ...s, page: 1 }), 'data-nav': true, text: t('results.page', { page: 1, pages }) })));
    }
    if (pages > 1) {
      const page = Math.min(s.page, pages);
      nodes.push(h('nav', { class: 'pagination', 'aria-label': t('results.pagination') },
        h('ul', {},
          page > 1 ? h('li', {}, h('a', { href: hrefFor({ ...s, page: page - 1 }), 'data-nav': true, rel: 'prev', text: t('results.prev') })) : null,
          h('li', { class: 'page-status', 'aria-current': 'page', text: t('results.page', { page, pages }) }),
          page < pages ? h('li', {}, h('a', { href: hrefFor({ ...s, page: page + 1 }), 'data-nav': true, rel: 'next', text: t('results.next') })) : null)));
    }
    say = pages > 1 ? `${found} ${t('results.page', { page: s.page, pages })}` : found;
  }
  const parts = [needText(s, ref), kindText(s, ref), placeText(s, ref)].filter(Boolean).join(', ');
  return { nodes, title: `${t('results.heading')}: ${parts}`, say: `${t('results.heading')}. ${say}` };
}

async function viewDetail(s) {
  const ctx = { ...s, activity: '' };
  const hasContext = hasNeed(s) || hasKind(s) || hasPlace(s);
  const backHref = hasContext ? hrefFor(ctx) : hrefFor({ lang });
  const back = h('a', { class: 'back-link', href: backHref, 'data-nav': true, 'data-back': true },
    '← ', hasContext ? t('detail.back') : t('detail.backFront'));
  let a;
  let ref;
  let pro;
  try {
    [ref, a, pro] = await Promise.all([loadRef(), getActivity(s.activity, lang), isProfessional()]);
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'not_found') {
      return {
        nodes: [back, h('h1', { tabindex: '-1', text: t('detail.title') }), h('p', { class: 'notice', text: t('detail.notFound') })],
        title: t('detail.title'),
        say: t('detail.notFound'),
      };
    }
    throw err;
  }
  if (hasContext) setSearchContext(s.need, s.municipality);
  const nodes = [back, renderDetail(a, { lang, ref, fallbackId: s.activity, tray: trayFor(pro) })];
  return { nodes, title: a.name || t('detail.title'), say: a.name || '' };
}

const VIEWS = { front: viewFront, kind: viewKind, place: viewPlace, results: viewResults, detail: viewDetail };

// ---------------------------------------------------------------- skeletons
// What a view looks like before its data arrives: its structure and every text that needs
// no data (headings, the search box, the back link), grey placeholders of about the final
// size where data will go. Placeholders are aria-hidden; #view is aria-busy meanwhile.

function sk(cls) {
  return h('span', { class: 'sk ' + cls, 'aria-hidden': 'true' });
}

function skChoices(n, compact) {
  return h('div', { class: 'choices sk-choices' + (compact ? ' place-list' : ''), 'aria-hidden': 'true' },
    Array.from({ length: n }, () => h('div', { class: 'choice' + (compact ? ' compact' : '') },
      sk('sk-label'), sk('sk-count'))));
}

function stepHead(n, headingKey) {
  return [h('p', { class: 'step-count', text: t('step', { n }) }), h('h1', { tabindex: '-1', text: t(headingKey) })];
}

function skeletonFront(s) {
  return [
    frontIntro(),
    hasKind(s) || hasPlace(s) ? stepsNav(s, null, 'need') : null,
    h('section', { 'aria-labelledby': 'need-heading' },
      h('p', { class: 'step-count', text: t('step', { n: 1 }) }),
      h('h2', { id: 'need-heading', text: t('need.heading') }),
      searchForm(s),
      skChoices(12, false)),
  ];
}

function skeletonPlace(s) {
  return [
    stepsNav(s, null, 'place'),
    stepHead(3, 'place.heading'),
    // The real field: what is typed before the list arrives filters it (swapView).
    h('div', { class: 'filter' },
      h('label', { for: 'place-filter', text: t('place.filter') }),
      h('p', { class: 'hint', id: 'place-hint', text: t('place.filterHint') }),
      h('input', { type: 'text', id: 'place-filter', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'place-hint' }),
      h('p', { class: 'hint' }, sk('sk-status'))),
    h('div', { class: 'place-groups', 'aria-hidden': 'true' }, h('h2', {}, sk('sk-heading')), skChoices(12, true)),
  ];
}

function skeletonResults(s) {
  const card = () => h('div', { class: 'card' },
    h('div', { class: 'sk-card-title' }, sk('sk-title')), sk('sk-org'), sk('sk-text'), sk('sk-text sk-short'),
    h('div', { class: 'card-meta' }, sk('sk-dt'), sk('sk-dd')));
  return [
    stepsNav(s, null, 'results'),
    h('h1', { tabindex: '-1', text: t('results.heading') }),
    h('p', { class: 'result-summary' }, sk('sk-summary')),
    h('div', { class: 'cards', 'aria-hidden': 'true' }, card(), card(), card(), card()),
  ];
}

function skeletonDetail(s) {
  const hasContext = hasNeed(s) || hasKind(s) || hasPlace(s);
  const lines = (n) => Array.from({ length: n }, (_, i) => sk(i === n - 1 ? 'sk-text sk-short' : 'sk-text'));
  const part = (key, n) => h('section', {}, h('h2', { text: t(key) }), lines(n));
  return [
    h('a', { class: 'back-link', href: hasContext ? hrefFor({ ...s, activity: '' }) : hrefFor({ lang }), 'data-nav': true, 'data-back': true },
      '← ', hasContext ? t('detail.back') : t('detail.backFront')),
    h('div', { class: 'detail', 'aria-hidden': 'true' },
      h('div', { class: 'detail-head' },
        h('div', { class: 'sk-h1' }, sk('sk-title'), sk('sk-title sk-narrow')), sk('sk-org'), h('div', { class: 'lead' }, lines(2))),
      h('div', { class: 'detail-grid' },
        h('div', { class: 'panel' }, part('detail.what', 4), part('detail.forWhom', 2), part('detail.join', 2), part('detail.when', 2)),
        h('div', { class: 'panel' }, part('detail.org', 3), part('detail.contacts', 3)))),
  ];
}

function skeleton(name, s) {
  switch (name) {
    case 'front': return skeletonFront(s);
    case 'kind': return [stepsNav(s, null, 'kind'), stepHead(2, 'kind.heading'), skChoices(6, false)];
    case 'place': return skeletonPlace(s);
    case 'results': return skeletonResults(s);
    default: return skeletonDetail(s);
  }
}

// ---------------------------------------------------------------- rendering & navigation

// Puts a view's nodes in place of the old ones. A field in both (the search box of the
// front page's skeleton and of the page itself) keeps what was typed and the focus.
// Returns true when it kept the focus in a field.
function swapView(viewEl, nodes) {
  const active = document.activeElement;
  const typed = [...viewEl.querySelectorAll('input[id]')].map((el) => ({
    id: el.id, value: el.value, focused: el === active, start: el.selectionStart, end: el.selectionEnd,
  }));
  viewEl.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
  let kept = false;
  for (const was of typed) {
    const el = document.getElementById(was.id);
    if (!el || el.tagName !== 'INPUT' || !viewEl.contains(el)) continue;
    if (was.value && !el.value) {
      el.value = was.value;
      el.dispatchEvent(new Event('input')); // the place list filters by it
    }
    if (was.focused) {
      el.focus({ preventScroll: true });
      try { el.setSelectionRange(was.start, was.end); } catch (e) { /* not a text field */ }
      kept = true;
    }
  }
  return kept;
}

// keep: leave the old view up while the new one loads (a language switch re-renders the
// same page); otherwise its skeleton goes up at once, in this task. On the first render
// that is before the first paint: index.html loads this module with blocking="render".
async function render({ focus = false, announce: doAnnounce = focus, keep = false } = {}) {
  const seq = ++renderSeq;
  const s = readState();
  lang = s.lang;
  applyStaticStrings();
  const viewEl = $('#view');
  const name = viewOf(s);
  viewEl.setAttribute('aria-busy', 'true');
  viewEl.removeAttribute('data-ready');
  if (!keep) {
    swapView(viewEl, skeleton(name, s));
    // The browser test checks that the first paint did not come before this.
    if (performance.mark) performance.mark('tarjotin:skeleton');
    // A new page starts at its top, where the footer is below the fold (styles.css), so
    // the data filling in cannot move it; scrolled down it could be in view.
    if (focus) window.scrollTo({ top: 0, left: 0, behavior: 'instant' });
  }
  const slow = setTimeout(() => {
    if (seq === renderSeq && doAnnounce) announce(t('loading'));
  }, 400);
  let out;
  try {
    out = await VIEWS[name](s);
  } catch (err) {
    if (seq !== renderSeq) return;
    const retry = () => render({ focus: true });
    out = {
      nodes: name === 'front' ? frontFallback(err, retry) : [h('h1', { tabindex: '-1', text: t('error.heading') }), errorBox(err, retry)],
      title: t('error.heading'),
      say: '',
      error: true,
    };
    name === 'front' || console.warn('tarjotin:', err);
  } finally {
    clearTimeout(slow);
  }
  if (seq !== renderSeq) return;
  const typing = swapView(viewEl, out.nodes);
  viewEl.dataset.view = out.error ? 'error' : name;
  if (out.error && name === 'front') viewEl.dataset.view = 'front';
  viewEl.removeAttribute('aria-busy');
  viewEl.dataset.ready = 'true';
  document.title = out.titleIsFull ? out.title : `${out.title} – ${t('site.name')}`;
  if (focus && !typing) focusHeading();
  if (doAnnounce && out.say) announce(out.say);
  else if (doAnnounce && out.error) announce(t('error.heading'));
}

function navigate(href, { replace = false } = {}) {
  const url = new URL(href, location.href);
  const p = url.searchParams;
  if (!p.has('lang')) {
    p.set('lang', lang);
    url.search = hrefFor(Object.fromEntries(PARAM_ORDER.map((k) => [k, p.get(k) || ''])));
  }
  const from = location.href;
  if (replace) history.replaceState({ tarjotin: true, from: history.state && history.state.from }, '', url);
  else history.pushState({ tarjotin: true, from }, '', url);
  render({ focus: true });
}

function onClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a');
  if (!a) return;
  if (a.classList.contains('skip-link')) {
    e.preventDefault();
    const main = $('#main');
    main.focus();
    main.scrollIntoView();
    return;
  }
  if (a.dataset.lang) {
    e.preventDefault();
    setLang(a.dataset.lang);
    return;
  }
  if (a.hasAttribute('data-back') && history.state && history.state.from) {
    const target = new URL(a.getAttribute('href'), location.href);
    const from = new URL(history.state.from);
    if (target.search === from.search) {
      e.preventDefault();
      history.back();
      return;
    }
  }
  if (a.hasAttribute('data-nav') || a.classList.contains('brand')) {
    e.preventDefault();
    navigate(a.getAttribute('href'));
  }
}

function start() {
  const s = readState();
  lang = s.lang;
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* ignore */ }
  applyStaticStrings();
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => render({ focus: true }));
  render({ focus: false });
  // After the search's own requests have gone out: the session never holds them up.
  header = mountHeader(lang);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
