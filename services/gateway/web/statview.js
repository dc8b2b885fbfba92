// The statistics' shared parts (docs/statistics.md §4, §9), for stats.html and report.html:
// the period (from/to months in the address, presets), numbers and months in the page's
// language, and a report table drawn as its Chart.js chart (window.Chart, loaded by the
// page's <script src="/vendor/chart.umd.js">) with the same figures under it as a table.
// A suppressed cell (a funder's count under 5) shows "<5" with its explanation.

import { h } from './dom.js';

export const STAT_STR = {
  fi: {
    'gate.signin': 'Tämä sivu on ylläpitäjille ja rahoittajille. Kirjaudu sisään.',
    'gate.forbidden': ({ role }) => `Olet kirjautunut sisään roolissa ${role}. Tämä sivu on vain ylläpitäjille ja rahoittajille.`,
    'r.coverage': 'Kattavuus',
    'r.usage': 'Käyttö',
    'r.contact_requests': 'Yhteydenottopyynnöt',
    'r.freshness': 'Tietojen ajantasaisuus',
    'r.gaps': 'Haut ilman tuloksia',
    'r.other': 'Muut taulukot',
    suppressed: '<5',
    'suppressed.title': 'alle 5, piilotettu yksityisyyden suojaamiseksi',
    'suppressed.note': '<5 = alle 5 tapausta: luku on piilotettu yksityisyyden suojaamiseksi.',
    'funder.note': 'Alle 5 suuruiset luvut ja niistä lasketut arvot on piilotettu yksityisyyden suojaamiseksi.',
    'no.value': '–',
    'no.rows': 'Ei rivejä valitulla jaksolla.',
    chart: ({ title }) => `Kaavio: ${title}. Samat luvut ovat alla olevassa taulukossa.`,
    'dl.table': ({ title }) => `taulukko ${title}`,
    'dl.report': 'Koko raportti:',
    'dl.reportOf': ({ name }) => `koko raportti ${name}`,
    'err.unavailable': 'Tilastopalvelu ei vastaa juuri nyt. Yritä hetken kuluttua uudelleen.',
    'err.failed': 'Tilastoa ei voitu hakea. Yritä uudelleen.',
    'err.period': 'Tarkista jakso.',
    'coverage.taken': ({ at }) => `Kattavuusluvut ovat ajalta ${at}: hakemisto ei vastannut.`,
    generated: ({ at }) => `Muodostettu ${at}`,
    period: ({ from, to }) => `Jakso ${from} – ${to}`,
  },
  sv: {
    'gate.signin': 'Den här sidan är för administratörer och finansiärer. Logga in.',
    'gate.forbidden': ({ role }) => `Du är inloggad i rollen ${role}. Den här sidan är bara för administratörer och finansiärer.`,
    'r.coverage': 'Täckning',
    'r.usage': 'Användning',
    'r.contact_requests': 'Kontaktförfrågningar',
    'r.freshness': 'Uppgifternas aktualitet',
    'r.gaps': 'Sökningar utan resultat',
    'r.other': 'Övriga tabeller',
    suppressed: '<5',
    'suppressed.title': 'färre än 5, dolt för att skydda integriteten',
    'suppressed.note': '<5 = färre än 5 fall: talet är dolt för att skydda integriteten.',
    'funder.note': 'Tal under 5 och värden som räknats ut av dem är dolda för att skydda integriteten.',
    'no.value': '–',
    'no.rows': 'Inga rader för den valda perioden.',
    chart: ({ title }) => `Diagram: ${title}. Samma tal finns i tabellen nedan.`,
    'dl.table': ({ title }) => `tabellen ${title}`,
    'dl.report': 'Hela rapporten:',
    'dl.reportOf': ({ name }) => `hela rapporten ${name}`,
    'err.unavailable': 'Statistiktjänsten svarar inte just nu. Försök igen om en stund.',
    'err.failed': 'Statistiken kunde inte hämtas. Försök igen.',
    'err.period': 'Kontrollera perioden.',
    'coverage.taken': ({ at }) => `Täckningssiffrorna är från ${at}: katalogen svarade inte.`,
    generated: ({ at }) => `Skapad ${at}`,
    period: ({ from, to }) => `Period ${from} – ${to}`,
  },
  en: {
    'gate.signin': 'This page is for administrators and funders. Sign in.',
    'gate.forbidden': ({ role }) => `You are signed in as ${role}. This page is for administrators and funders only.`,
    'r.coverage': 'Coverage',
    'r.usage': 'Usage',
    'r.contact_requests': 'Contact requests',
    'r.freshness': 'Freshness of the information',
    'r.gaps': 'Searches without results',
    'r.other': 'Other tables',
    suppressed: '<5',
    'suppressed.title': 'fewer than 5, hidden to protect privacy',
    'suppressed.note': '<5 = fewer than 5 cases: the figure is hidden to protect privacy.',
    'funder.note': 'Figures under 5, and values derived from them, are hidden to protect privacy.',
    'no.value': '–',
    'no.rows': 'No rows for the chosen period.',
    chart: ({ title }) => `Chart: ${title}. The same figures are in the table below.`,
    'dl.table': ({ title }) => `table ${title}`,
    'dl.report': 'The whole report:',
    'dl.reportOf': ({ name }) => `the whole report ${name}`,
    'err.unavailable': 'The statistics service does not answer just now. Try again in a while.',
    'err.failed': 'The statistics could not be fetched. Try again.',
    'err.period': 'Check the period.',
    'coverage.taken': ({ at }) => `The coverage figures are from ${at}: the directory did not answer.`,
    generated: ({ at }) => `Generated ${at}`,
    period: ({ from, to }) => `Period ${from} – ${to}`,
  },
};

export const REPORTS = ['coverage', 'usage', 'contact_requests', 'freshness', 'gaps'];

// The report a table of `all` belongs to, by its id (§4's table list).
export function reportOfTable(id) {
  if (id.startsWith('coverage_')) return 'coverage';
  if (id.startsWith('usage_') || id.startsWith('searches_')) return 'usage';
  if (id.startsWith('cr_')) return 'contact_requests';
  if (id.startsWith('freshness_')) return 'freshness';
  if (id === 'gaps' || id.startsWith('gap_')) return 'gaps';
  return 'other';
}

const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

// ---------------------------------------------------------------- the period

// Today in Helsinki, "YYYY-MM-DD" (the reports' days are Helsinki days).
export function helsinkiToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function monthIndex(ym) {
  const m = MONTH.exec(ym || '');
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : NaN;
}

function monthOf(i) {
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

// The presets: {last12, thisyear, lastyear} → {from, to} months.
export function presets(today = helsinkiToday()) {
  const now = monthIndex(today.slice(0, 7));
  const y = Number(today.slice(0, 4));
  return {
    last12: { from: monthOf(now - 11), to: monthOf(now) },
    thisyear: { from: `${y}-01`, to: monthOf(now) },
    lastyear: { from: `${y - 1}-01`, to: `${y - 1}-12` },
  };
}

// A period's problem: '' when fine, else 'from' or 'to' (the field to blame).
export function periodError(p, today = helsinkiToday()) {
  const f = monthIndex(p.from);
  const t = monthIndex(p.to);
  if (Number.isNaN(f)) return 'from';
  if (Number.isNaN(t) || t < f || t > monthIndex(today.slice(0, 7)) || t - f > 35) return 'to';
  return '';
}

// The period of the address (?from=YYYY-MM&to=YYYY-MM), else the last 12 months.
export function readPeriod(search = location.search) {
  const q = new URLSearchParams(search);
  const p = { from: q.get('from') || '', to: q.get('to') || '' };
  return periodError(p) ? presets().last12 : p;
}

// The API's days: the first of `from`, the last of `to` (today when `to` is this month).
export function periodDays(p, today = helsinkiToday()) {
  const t = monthIndex(p.to) + 1;
  const last = new Date(Date.UTC(Math.floor(t / 12), t % 12, 0)).toISOString().slice(0, 10);
  return { from: `${p.from}-01`, to: last > today ? today : last };
}

// ---------------------------------------------------------------- formatting

// Numbers, months and dates in the language's way (fi: 1 520, 66,7 %).
export function formats(lang) {
  const locale = LOCALES[lang] || LOCALES.fi;
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const pct = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const monthLong = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'long' });
  const monthShort = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'short' });
  const day = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'short' });
  const asDate = (s) => new Date(`${s.length === 7 ? s + '-01' : s}T00:00:00Z`);
  const f = {
    locale,
    // value: a cell of the column type; short: a chart's axis label.
    cell(v, type, short) {
      if (v === null || v === undefined) return '';
      if (typeof v === 'number') {
        if (type === 'percent') return pct.format(v / 100);
        if (type === 'decimal') return dec.format(v);
        return int.format(v);
      }
      if (type === 'month' && MONTH.test(v)) return (short ? monthShort : monthLong).format(asDate(v));
      if (type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return day.format(asDate(v));
      return String(v);
    },
    month: (ym) => (MONTH.test(ym) ? monthLong.format(asDate(ym)) : ym),
  };
  return f;
}

const NUMERIC = new Set(['int', 'decimal', 'percent']);

// ---------------------------------------------------------------- tables and charts

// WCAG 1.4.11: each at least 3:1 on white, and told apart by the legend's order too.
const PALETTE = ['#0a4d94', '#b45309', '#2e7d32', '#7b1fa2', '#b3261e', '#00695c', '#5d4037', '#455a64'];

const charts = [];

function chartConfig(tbl, fmt) {
  const spec = tbl.chart;
  const cols = tbl.columns;
  const idx = (id) => cols.findIndex((c) => c.id === id);
  const xi = Math.max(0, idx(spec.x));
  const ys = (Array.isArray(spec.y) ? spec.y : [spec.y]).map(idx).filter((i) => i >= 0);
  const type = ['bar', 'line', 'pie', 'doughnut'].includes(spec.type) ? spec.type : 'bar';
  const round = type === 'pie' || type === 'doughnut';
  const num = (v) => (typeof v === 'number' ? v : null);
  let labels;
  let datasets;
  const si = spec.series ? idx(spec.series) : -1;
  if (si >= 0 && ys.length) {
    // One line or bar group per value of the series column (e.g. each user site).
    const xs = [...new Set(tbl.rows.map((r) => r[xi]))];
    const names = [...new Set(tbl.rows.map((r) => r[si]))];
    labels = xs.map((x) => fmt.cell(x, cols[xi].type, true));
    datasets = names.map((name, k) => ({
      label: String(name ?? ''),
      data: xs.map((x) => {
        const row = tbl.rows.find((r) => r[xi] === x && r[si] === name);
        return row ? num(row[ys[0]]) : null;
      }),
      backgroundColor: PALETTE[k % PALETTE.length],
      borderColor: PALETTE[k % PALETTE.length],
    }));
  } else {
    labels = tbl.rows.map((r) => fmt.cell(r[xi], cols[xi].type, true));
    datasets = ys.map((yi, k) => ({
      label: cols[yi].label,
      data: tbl.rows.map((r) => num(r[yi])),
      backgroundColor: round ? tbl.rows.map((r, i) => PALETTE[i % PALETTE.length]) : PALETTE[k % PALETTE.length],
      borderColor: round ? '#ffffff' : PALETTE[k % PALETTE.length],
    }));
  }
  const yType = ys.length ? cols[ys[0]].type : 'int';
  const horizontal = !!spec.horizontal;
  const valueAxis = horizontal ? 'x' : 'y';
  const scales = round ? {} : {
    [valueAxis]: { beginAtZero: true, ticks: { color: '#1b2733', callback: (v) => fmt.cell(Number(v), yType === 'int' ? 'decimal' : yType) } },
    [horizontal ? 'y' : 'x']: { ticks: { color: '#1b2733', autoSkip: true } },
  };
  return {
    type,
    data: { labels, datasets },
    options: {
      locale: fmt.locale,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? 'y' : 'x',
      spanGaps: false,
      scales,
      plugins: {
        legend: { display: round || datasets.length > 1, labels: { color: '#1b2733' } },
        tooltip: {
          callbacks: {
            label: (c) => `${c.dataset.label}: ${c.raw === null ? '–' : fmt.cell(c.raw, yType)}`,
          },
        },
      },
    },
  };
}

// Draws the waiting charts' canvases (after the block is in the document); a page without
// Chart.js (the vendor file missing) keeps its tables.
export function drawCharts(root) {
  if (typeof window.Chart !== 'function') return;
  for (const canvas of root.querySelectorAll('canvas[data-chart]:not([data-drawn])')) {
    const spec = canvas._spec;
    if (!spec) continue;
    canvas.dataset.drawn = 'true';
    try {
      charts.push(new window.Chart(canvas, spec));
    } catch (e) {
      canvas.dataset.drawn = 'failed';
    }
  }
}

// Forgets (destroys) the charts under root before it is emptied.
export function dropCharts(root) {
  for (let i = charts.length - 1; i >= 0; i--) {
    if (root.contains(charts[i].canvas)) {
      charts[i].destroy();
      charts.splice(i, 1);
    }
  }
}

// Printing: every chart at A4's printable width, back again after.
window.addEventListener('beforeprint', () => { for (const c of charts) c.resize(640, 300); });
window.addEventListener('afterprint', () => { for (const c of charts) c.resize(); });

// The CSV/XLSX link of a report (table: one of its tables, or '' for all of it).
export function downloadHref(report, days, lang, format, table) {
  const q = new URLSearchParams({ from: days.from, to: days.to, lang, format });
  if (table) q.set('table', table);
  return `/api/v1/stats/${encodeURIComponent(report)}?${q.toString()}`;
}

function downloadLinks(t, report, days, lang, table, what) {
  return ['csv', 'xlsx'].map((f) => h('a', {
    href: downloadHref(report, days, lang, f, table), 'data-download': f, 'data-table': table || null, class: 'download', download: '',
  }, f.toUpperCase(), h('span', { class: 'visually-hidden', text: `: ${what}` })));
}

// The whole report's download line.
export function reportDownloads(t, report, days, lang) {
  return h('p', { class: 'downloads', 'data-report-downloads': report },
    h('span', { text: t('dl.report') + ' ' }),
    downloadLinks(t, report, days, lang, '', t('dl.reportOf', { name: t('r.' + report) })));
}

// One table of a report: its heading, its chart (when it has one), the same figures as a
// table, the suppression note and its download links. ctx: {t, lang, fmt, report, days,
// level (heading level, default 3), downloads (default true)}.
export function statTable(tbl, ctx) {
  const { t, fmt } = ctx;
  const tid = `t-${tbl.id}`;
  const hidden = new Set((tbl.suppressed || []).map(([r, c]) => `${r},${c}`));
  const cols = tbl.columns || [];
  const rows = tbl.rows || [];
  const cell = (v, r, c) => {
    const col = cols[c] || {};
    const attrs = { 'data-col': col.id, class: NUMERIC.has(col.type) ? 'num' : null };
    let content;
    if (hidden.has(`${r},${c}`)) {
      attrs['data-suppressed'] = '';
      content = h('abbr', { title: t('suppressed.title'), text: t('suppressed') });
    } else if (v === null || v === undefined || v === '') {
      content = t('no.value');
    } else {
      content = fmt.cell(v, col.type);
    }
    return c === 0 ? h('th', { scope: 'row', ...attrs }, content) : h('td', attrs, content);
  };
  const noteId = `${tid}-note`;
  const table = h('table', { class: 'data-table stat-table', 'data-table': tbl.id, 'data-rows': String(rows.length), 'aria-describedby': hidden.size ? noteId : null },
    h('caption', { text: tbl.title }),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: NUMERIC.has(c.type) ? 'num' : null, 'data-col': c.id, text: c.label })))),
    h('tbody', {}, rows.map((r, ri) => h('tr', {}, r.map((v, ci) => cell(v, ri, ci))))));
  let chartBox = null;
  if (tbl.chart && rows.length) {
    const canvas = h('canvas', { role: 'img', 'aria-label': t('chart', { title: tbl.title }), 'data-chart': tbl.id },
      h('p', { text: t('chart', { title: tbl.title }) }));
    canvas._spec = chartConfig(tbl, fmt);
    chartBox = h('div', { class: `chart-box${tbl.chart.horizontal && rows.length > 20 ? ' tall' : ''}` }, canvas);
  }
  const level = ctx.level || 3;
  return h('section', { class: 'stat-block', 'data-table-block': tbl.id, 'aria-labelledby': tid },
    h(`h${level}`, { id: tid, text: tbl.title }),
    chartBox,
    rows.length
      ? h('div', { class: `table-scroll${rows.length > 25 ? ' long' : ''}`, tabindex: '0', role: 'region', 'aria-labelledby': tid }, table)
      : h('p', { class: 'notice', 'data-empty': tbl.id, text: t('no.rows') }),
    hidden.size ? h('p', { class: 'hint suppressed-note', id: noteId, text: t('suppressed.note') }) : null,
    ctx.downloads === false ? null : h('p', { class: 'downloads' }, downloadLinks(t, ctx.report, ctx.days, ctx.lang, tbl.id, t('dl.table', { title: tbl.title }))));
}

// A report's notes: the funder's suppression, coverage from an older document.
export function reportNotes(doc, t, fmtTime) {
  const out = [];
  if (doc.role === 'funder') out.push(h('p', { class: 'notice', 'data-funder-note': '', text: t('funder.note') }));
  if (doc.coverage_taken_at) out.push(h('p', { class: 'notice', 'data-coverage-taken': '', text: t('coverage.taken', { at: fmtTime(doc.coverage_taken_at) }) }));
  return out;
}

// The period's words: "marraskuu 2025 – joulukuu 2026".
export function periodText(t, fmt, p) {
  return t('period', { from: fmt.month(p.from), to: fmt.month(p.to) });
}

// The stats call's error for a section: 'unavailable' (503 / no answer), 'refused'
// (401/403), else 'failed'.
export function errorKind(err) {
  if (err && (err.status === 401 || err.status === 403)) return 'refused';
  if (err && (err.kind === 'unavailable' || err.kind === 'network' || err.status === 503)) return 'unavailable';
  return 'failed';
}
