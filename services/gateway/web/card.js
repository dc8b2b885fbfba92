// What a professional sees of an activity: its card in the search results and its detail
// page. Shared by the search (app.js) and the editor's live preview (activity-edit.js),
// so that the preview is exactly the published view. Views are built with DOM calls.
//
// ctx: {lang, ref (reference data, loadRef's shape: needById, kindById, targetById,
// municipalities, counties), href(item) → the card's link or null (then the title is
// plain text), nav (true: links carry data-nav for the search's own navigation),
// tray(item) → the "add to tray" button (tray.js) or absent (not a professional)}.

import { t as translate } from './i18n.js';
import { h } from './dom.js';

export const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

const EMPTY_REF = {
  needById: new Map(), kindById: new Map(), targetById: new Map(), municipalities: new Map(), counties: new Map(),
};

// A term's label in the language (its id when it has none).
export function label(term, lang, fallback) {
  if (!term) return fallback || '';
  const l = term.label || {};
  return l[lang] || l.fi || l.en || term.id || fallback || '';
}

// An ISO date (yyyy-mm-dd…) as the language writes it.
export function fmtDate(iso, lang) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  if (!m) return iso || '';
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  try {
    return new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'numeric', year: 'numeric' }).format(d);
  } catch (e) {
    return `${Number(m[3])}.${Number(m[2])}.${m[1]}`;
  }
}

export function languageName(code, lang) {
  try {
    const name = new Intl.DisplayNames([LOCALES[lang]], { type: 'language' }).of(code);
    return name || code;
  } catch (e) {
    return code;
  }
}

export function countyName(county, lang) {
  if (!county) return '';
  const n = county.name || {};
  return typeof n === 'string' ? n : n[lang] || n.fi || county.key;
}

export function areaText(area, ref, lang) {
  const t = (k, p) => translate(lang, k, p);
  if (!area) return '';
  switch (area.type) {
    case 'nationwide': return t('area.nationwide');
    case 'online': return t('area.online');
    case 'county': {
      const c = ref.counties.get(area.county);
      return c ? t('area.countyNamed', { name: countyName(c, lang) }) : t('area.county');
    }
    default: {
      const names = (area.municipalities || []).map((code) => (ref.municipalities.get(code) || {}).name || code);
      if (names.length > 5) return t('area.more', { list: names.slice(0, 4).join(', '), n: names.length - 4 });
      return names.join(', ');
    }
  }
}

export function safeUrl(u) {
  return /^https?:\/\//i.test(u || '') ? u : null;
}

// The "details not confirmed" badge (docs/selfservice.md, Search) for an unverified item.
function unverifiedBadge(t) {
  return h('span', { class: 'badge warn', 'data-unverified': '', text: t('card.unverified') });
}

// One result card: <li><article data-card>…</article></li>.
export function renderCard(item, ctx) {
  const { lang } = ctx;
  const ref = ctx.ref || EMPTY_REF;
  const t = (k, p) => translate(lang, k, p);
  const id = (ctx.idPrefix || 'card-') + item.id;
  const org = item.organization || {};
  const assured = item.assured_date ? fmtDate(item.assured_date, lang) : '';
  const href = ctx.href ? ctx.href(item) : null;
  return h('li', {},
    h('article', { class: 'card', 'aria-labelledby': id, 'data-card': true },
      h('h2', { id },
        href ? h('a', { href, 'data-nav': ctx.nav ? true : null, 'data-detail': true, text: item.name }) : item.name),
      h('p', { class: 'detail-org', text: org.name || '' }),
      item.summary ? h('p', { class: 'card-summary', text: item.summary }) : null,
      h('dl', { class: 'card-meta' },
        h('dt', { text: t('card.area') }), h('dd', { text: areaText(item.area, ref, lang) }),
        item.how_to_join ? [h('dt', { text: t('card.join') }), h('dd', { text: item.how_to_join })] : null),
      h('div', { class: 'card-footer' },
        item.unverified === true ? unverifiedBadge(t) : null,
        item.takes_new === true ? h('span', { class: 'badge', text: t('card.takesNew') }) : null,
        item.takes_new === false ? h('span', { class: 'badge muted', text: t('card.notTakingNew') }) : null,
        assured ? h('span', { text: t('card.assured', { date: assured }) }) : null,
        ctx.tray && item.accepts_contact_requests === true ? ctx.tray(item) : null)));
}

// What the detail says of contact requests: the observed reply time when there is one
// (docs/contactrequests.md), else the association's own promise.
function contactRequestText(a, t) {
  if (a.accepts_contact_requests === false) return t('detail.noContactRequests');
  if (a.accepts_contact_requests !== true) return '';
  if (a.response_days_observed) return t('detail.contactRequestsObserved', { n: a.response_days_observed });
  return t('detail.contactRequests', { n: a.response_days || 0 });
}

function section(t, title, ...content) {
  const body = content.flat().filter((c) => c !== null && c !== undefined && c !== '' && c !== false);
  return h('section', {}, h('h2', { text: title }),
    body.length ? body : h('p', { text: t('detail.notGiven') }));
}

function textPara(text) {
  return text ? h('p', { class: 'pre-line', text }) : null;
}

function tags(ids, map, lang) {
  if (!ids || !ids.length) return null;
  return h('ul', { class: 'tag-list' }, ids.map((id) => h('li', { text: label(map.get(id), lang, id) })));
}

function contactLines(c, t) {
  const lines = [];
  if (c.phone) lines.push(h('div', {}, `${t('detail.phone')}: `, h('a', { href: 'tel:' + String(c.phone).replace(/[^\d+]/g, ''), text: c.phone })));
  if (c.email) lines.push(h('div', {}, `${t('detail.email')}: `, h('a', { href: 'mailto:' + c.email, text: c.email })));
  const web = safeUrl(c.website);
  if (web) lines.push(h('div', {}, `${t('detail.website')}: `, h('a', { href: web, rel: 'noopener', text: web.replace(/^https?:\/\//i, '') })));
  return lines;
}

// The detail page of an activity document: <article class="detail">. ctx.headingTag: the
// title's element ('h1' on the search's page, 'h3' in a preview), ctx.fallbackId: the
// data-activity value when the document has no id yet.
export function renderDetail(a, ctx) {
  const { lang } = ctx;
  const ref = ctx.ref || EMPTY_REF;
  const t = (k, p) => translate(lang, k, p);
  const org = a.organization || {};
  const langs = (a.languages || []).map((c) => languageName(c, lang)).join(', ');
  const contacts = a.contacts || [];
  const assured = a.assured_date ? t('detail.assured', { date: fmtDate(a.assured_date, lang), who: a.assurer || '' }) : '';
  const sec = (title, ...c) => section(t, title, ...c);

  const main = h('div', { class: 'panel' },
    sec(t('detail.what'), textPara(a.description || a.summary)),
    sec(t('detail.forWhom'), textPara(a.for_whom), tags(a.target_groups, ref.targetById, lang)),
    sec(t('detail.join'), textPara(a.how_to_join)),
    sec(t('detail.when'), textPara(a.schedule), h('p', {}, h('strong', { text: `${t('detail.area')}: ` }), areaText(a.area, ref, lang))),
    sec(t('detail.cost'), textPara(a.cost)),
    sec(t('detail.languages'), langs ? h('p', { text: langs }) : null),
    sec(t('detail.accessibility'), textPara(a.accessibility)),
    (a.needs && a.needs.length) ? sec(t('detail.needs'), tags(a.needs, ref.needById, lang)) : null,
    (a.kinds && a.kinds.length) ? sec(t('detail.kinds'), tags(a.kinds, ref.kindById, lang)) : null);

  const side = h('div', { class: 'panel' },
    sec(t('detail.org'),
      h('p', {}, h('strong', { text: org.name || '' })),
      contactLines(org, t)),
    sec(t('detail.contacts'),
      contacts.length ? h('ul', { class: 'plain-list' }, contacts.map((c) => h('li', {},
        h('div', {}, h('strong', { text: c.name || '' }), c.role ? `, ${c.role}` : ''),
        contactLines(c, t)))) : null),
    sec(t('detail.status'),
      contactRequestText(a, t) ? h('p', { 'data-contact-requests': '', text: contactRequestText(a, t) }) : null,
      ctx.tray && a.accepts_contact_requests === true && a.id ? h('p', {}, ctx.tray(a)) : null,
      assured ? h('p', { text: assured }) : null,
      a.updated_at ? h('p', { text: t('detail.updated', { date: fmtDate(a.updated_at, lang) }) }) : null));

  const headingTag = ctx.headingTag || 'h1';
  return h('article', { class: 'detail', 'data-activity': a.id || ctx.fallbackId || '' },
    h('div', { class: 'detail-head' },
      h(headingTag, { tabindex: headingTag === 'h1' ? '-1' : null, class: headingTag === 'h1' ? null : 'preview-title', text: a.name || t('detail.title') }),
      h('p', { class: 'detail-org', text: org.name || '' }),
      a.unverified === true ? h('p', {}, unverifiedBadge(t), ' ',
        a.assured_date ? h('span', { class: 'muted', text: t('card.lastVerified', { date: fmtDate(a.assured_date, lang) }) }) : null) : null,
      a.takes_new === true ? h('p', {}, h('span', { class: 'badge', text: t('card.takesNew') })) : null,
      a.takes_new === false ? h('p', {}, h('span', { class: 'badge muted', text: t('card.notTakingNew') })) : null,
      a.summary && a.description ? h('p', { class: 'lead', text: a.summary }) : null),
    h('div', { class: 'detail-grid' }, main, side));
}
