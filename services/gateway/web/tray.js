// The tray (docs/contactrequests.md): the activities a professional gathers from the
// search to send one contact request to. It lives in sessionStorage (this tab, until it
// closes): activity ids and names only, never anything about the client. The last
// search's need and municipality are kept beside it, as the send's "context".
// Every change fires 'tarjotin:tray' on window, so the header's count and the buttons
// follow.

import { t as translate } from './i18n.js';
import { h } from './dom.js';

export const TRAY_MAX = 10; // TARJOTIN_CR_MAX_ACTIVITIES' default
const KEY = 'tarjotin.tray';
const CTX_KEY = 'tarjotin.searchContext';

function read(key, fallback) {
  try {
    const v = JSON.parse(sessionStorage.getItem(key) || 'null');
    return v === null ? fallback : v;
  } catch (e) {
    return fallback;
  }
}

function write(key, value) {
  try { sessionStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage blocked: the tray is empty */ }
  window.dispatchEvent(new CustomEvent('tarjotin:tray'));
}

const str = (v, max) => (typeof v === 'string' ? v.slice(0, max) : '');

// [{id, name, organization}] in the order they were added.
export function trayItems() {
  const list = read(KEY, []);
  if (!Array.isArray(list)) return [];
  return list.filter((x) => x && typeof x.id === 'string').slice(0, TRAY_MAX)
    .map((x) => ({ id: str(x.id, 100), name: str(x.name, 300), organization: str(x.organization, 300) }));
}

export function trayHas(id) {
  return trayItems().some((x) => x.id === id);
}

// Adds (true) or removes (false) an activity; false when the tray was full.
export function traySet(item, on) {
  const list = trayItems().filter((x) => x.id !== item.id);
  if (on) {
    if (list.length >= TRAY_MAX) return false;
    list.push({ id: item.id, name: item.name || '', organization: (item.organization && item.organization.name) || '' });
  }
  write(KEY, list);
  return true;
}

export function trayRemove(id) {
  write(KEY, trayItems().filter((x) => x.id !== id));
}

export function trayClear() {
  write(KEY, []);
}

// The last search's need and municipality ({need, municipality}, either may be absent).
export function setSearchContext(need, municipality) {
  const ctx = {};
  if (need && need !== 'all') ctx.need = str(need, 100);
  if (municipality && municipality !== 'all') ctx.municipality = str(municipality, 20);
  try { sessionStorage.setItem(CTX_KEY, JSON.stringify(ctx)); } catch (e) { /* ignore */ }
}

export function searchContext() {
  const c = read(CTX_KEY, {});
  const out = {};
  if (c && typeof c.need === 'string' && c.need) out.need = c.need;
  if (c && typeof c.municipality === 'string' && c.municipality) out.municipality = c.municipality;
  return out;
}

// The toggle for one activity (a card's or the detail's): a button with aria-pressed whose
// name stays the same; announce(text) tells a screen reader what happened.
export function trayButton(item, lang, announce) {
  const t = (k, p) => translate(lang, k, p);
  const b = h('button', {
    type: 'button', class: 'tray-button', 'data-tray': item.id,
    'aria-label': t('tray.addOf', { name: item.name || '' }), text: t('tray.add'),
  });
  const sync = () => b.setAttribute('aria-pressed', String(trayHas(item.id)));
  sync();
  b.addEventListener('click', () => {
    const on = !trayHas(item.id);
    if (!traySet(item, on)) {
      if (announce) announce(t('tray.full', { max: TRAY_MAX }));
      return;
    }
    sync();
    const n = trayItems().length;
    if (announce) announce(t(on ? 'tray.nowOn' : 'tray.nowOff', { name: item.name || '', n }));
  });
  window.addEventListener('tarjotin:tray', sync);
  return b;
}
