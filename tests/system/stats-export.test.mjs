// Statistics reports as files and their errors (issue 15, docs/statistics.md
// sections 4-5): every report as JSON has the shape of section 4; as CSV it
// is UTF-8 with a byte-order mark, ';' and CRLF, and a Swedish county name
// with å, ä and ö comes back intact; as XLSX it is an attachment named
// tarjotin-<report>-<from>-<to>.xlsx whose sheets (read back with
// openpyxl) are the tables, with the column labels in a bold first row and
// numbers as numbers.  The coverage totals equal counts made here straight
// on the directory's tables (on the tray: published, of an approved
// organisation, not hidden by the review).  Bad parameters answer 400 with
// the field, an unknown report 404, nobody signed in 401, a professional
// 403, and a stopped stats 503 (and reports again once it is back).
// Usage counts are stats.test.mjs' business, not this file's.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INTERNAL_URL,
  URL_BASE, anon, http, mailLinks, noteSecret, psql, psqlStats, readLog, signIn, newProfessional, stack, statsReport, statsTable, statsRows, until,
} from './lib.mjs';

const ADMIN = 'koordinaattori@hyvinvointialue.example.org';
const REPORTS = {
  coverage: ['coverage_totals', 'coverage_by_frame', 'coverage_by_county', 'coverage_by_municipality',
    'coverage_by_need', 'coverage_by_kind', 'coverage_over_time'],
  usage: ['usage_by_month', 'usage_by_site', 'searches_by_month'],
  contact_requests: ['cr_by_month', 'cr_by_county_kind', 'cr_reaction'],
  freshness: ['freshness_by_county'],
  gaps: ['gaps', 'gap_words'],
};
REPORTS.all = Object.values(REPORTS).flat();
const TYPES = new Set(['text', 'month', 'date', 'int', 'decimal', 'percent']);
// A county name holding å, ä and ö (Swedish: Södra Österbotten), and its key.
const COUNTY = 'EP';
const COUNTY_SV = psql(`SELECT name_sv FROM counties WHERE key = '${COUNTY}'`);
const FROM = '2026-01-01';
const TO = '2026-12-31';
let admin; let TMP; let NO_COVERAGE;

test.before(async () => {
  admin = await signIn(ADMIN);
  TMP = mkdtempSync(path.join(tmpdir(), 'stats-export-'));
  // No stored coverage: the first report asks the directory for a fresh one.
  psqlStats('DELETE FROM stats.coverage');
  const r = await statsReport(admin, 'coverage', {});
  // A directory without the coverage call (services/directory/coverage.c
  // not merged) leaves nothing to check here; anything else must work.
  if (r.status === 503 && readLog('stats-1').includes('unknown message type 101')) {
    NO_COVERAGE = 'the directory does not answer MSG_STATS_COVERAGE yet';
  }
});

/** Skips t when there is no coverage document to be had; true then. */
const noCoverage = (t) => { if (NO_COVERAGE) t.skip(NO_COVERAGE); return !!NO_COVERAGE; };

test.after(() => { if (TMP) rmSync(TMP, { recursive: true, force: true }); });

/** GET a report as raw bytes: {status, headers, bytes}. */
async function raw(who, report, params) {
  const res = await fetch(`${URL_BASE}/api/v1/stats/${report}?${new URLSearchParams(params)}`, {
    headers: { Cookie: who.cookie }, signal: AbortSignal.timeout(15000),
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

test('every report as JSON has the shape of section 4', async () => {
  for (const [report, ids] of Object.entries(REPORTS)) {
    if (NO_COVERAGE && ['coverage', 'freshness', 'all'].includes(report)) continue;
    const r = await statsReport(admin, report, { from: FROM, to: TO, lang: 'fi' });
    assert.equal(r.status, 200, `${report}: ${r.text.slice(0, 300)}`);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const d = r.json;
    assert.equal(d.report, report);
    assert.equal(d.from, FROM);
    assert.equal(d.to, TO);
    assert.equal(d.lang, 'fi');
    assert.equal(d.role, 'admin');
    assert.equal(typeof d.suppress_below, 'number');
    assert.match(d.generated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    if (NO_COVERAGE) {
      assert.equal(d.coverage_taken_at, null, report);
    } else {
      assert.match(d.coverage_taken_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${report}: a coverage document was used`);
    }
    assert.equal(d.coverage_stale, !!NO_COVERAGE, report);
    assert.deepEqual(d.tables.map((t) => t.id), ids, report);
    for (const t of d.tables) {
      const where = `${report}/${t.id}`;
      assert.ok(typeof t.title === 'string' && t.title.length > 0, where);
      assert.ok(t.columns.length > 0, where);
      for (const c of t.columns) {
        assert.match(c.id, /^[a-z_0-9]+$/, where);
        assert.ok(typeof c.label === 'string' && c.label.length > 0, where);
        assert.ok(TYPES.has(c.type), `${where}: type ${c.type}`);
      }
      assert.ok(Array.isArray(t.rows), where);
      for (const row of t.rows) {
        assert.equal(row.length, t.columns.length, where);
        row.forEach((v, i) => {
          const type = t.columns[i].type;
          if (v === null) return;
          if (type === 'text' || type === 'month' || type === 'date') assert.equal(typeof v, 'string', `${where}: ${v}`);
          else assert.equal(typeof v, 'number', `${where}: ${v}`);
          if (type === 'month') assert.match(v, /^\d{4}-\d\d$/, where);
          if (type === 'int') assert.ok(Number.isInteger(v), `${where}: ${v}`);
          if (type === 'percent') assert.ok(v >= 0 && v <= 100, `${where}: ${v}`);
        });
      }
      assert.deepEqual(t.suppressed, [], `${where}: the admin sees everything`);
      if (t.chart) {
        const cols = t.columns.map((c) => c.id);
        assert.ok(['bar', 'line'].includes(t.chart.type), where);
        assert.ok(cols.includes(t.chart.x), `${where}: chart x ${t.chart.x}`);
        for (const y of t.chart.y) assert.ok(cols.includes(y), `${where}: chart y ${y}`);
      }
    }
  }
  // A named table alone, and the months of the period in usage_by_month.
  const one = await statsReport(admin, 'usage', { from: FROM, to: TO, table: 'searches_by_month' });
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(one.json.tables.map((t) => t.id), ['searches_by_month']);
  assert.equal(one.json.tables[0].rows.length, 12);
});

test('the coverage totals are what the directory holds', async (t) => {
  if (noCoverage(t)) return;
  const count = (where) => Number(psql(`SELECT count(*) FROM activities a JOIN organizations o ON o.id = a.organization_id
    WHERE a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden' ${where}`));
  const want = [
    Number(psql("SELECT count(*) FROM organizations WHERE status = 'approved'")),
    count(''), count("AND a.area_type = 'nationwide'"), count("AND a.area_type = 'online'"),
  ];
  const r = await statsReport(admin, 'coverage', { lang: 'en' });
  assert.equal(r.status, 200, r.text);
  const totals = statsTable(r.json, 'coverage_totals');
  assert.deepEqual(totals.keys, ['organizations', 'activities', 'activities_nationwide', 'activities_online']);
  assert.deepEqual(totals.rows.map((x) => x[1]), want, JSON.stringify(totals.rows));
  assert.equal(totals.rows[0][0], 'Organisations', 'the measure labelled in the language asked');
  assert.ok(want[0] > 0 && want[1] > 0, 'the demo data has organisations and activities');
  // The frames add up to every approved organisation.
  const frames = statsRows(statsTable(r.json, 'coverage_by_frame'));
  assert.equal(frames.reduce((s, x) => s + x.organizations, 0), want[0]);
  // The county of the CSV test below is there, by its English name.
  const en = psql(`SELECT name_en FROM counties WHERE key = '${COUNTY}'`);
  assert.ok(statsRows(statsTable(r.json, 'coverage_by_municipality')).some((x) => x.county === en), en);
});

test('CSV: byte-order mark, semicolons, CRLF, the labels intact', async () => {
  // Without coverage (see before) the usage report stands in; its labels are what JSON says too.
  const report = NO_COVERAGE ? 'usage' : 'coverage';
  const json = (await statsReport(admin, report, { from: FROM, to: TO, lang: 'sv' })).json;
  const r = await raw(admin, report, { from: FROM, to: TO, format: 'csv', lang: 'sv' });
  assert.equal(r.status, 200, r.bytes.toString());
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="tarjotin-${report}-${FROM}-${TO}.csv"`);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark');
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(r.bytes.subarray(3));
  assert.ok(text.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
  const lines = text.split('\r\n');
  // Each table: its title line, its header of the column labels, its rows, an empty line.
  let at = 0;
  for (const t of json.tables) {
    assert.equal(lines[at], t.title.includes(';') ? `"${t.title}"` : t.title);
    assert.equal(lines[at + 1], t.columns.map((c) => c.label).join(';'), t.id);
    at += 2 + t.rows.length;
    assert.equal(lines[at], '', `${t.id}: an empty line after its rows`);
    at += 1;
  }
  assert.ok(/[åäö]/i.test(lines.join('')), 'a label with å, ä or ö');
  if (!NO_COVERAGE) {
    assert.match(COUNTY_SV, /å/);
    assert.match(COUNTY_SV, /ä/);
    assert.match(COUNTY_SV, /ö/i);
    const fields = lines.flatMap((l) => l.split(';'));
    assert.ok(fields.includes(COUNTY_SV), `"${COUNTY_SV}" in the CSV`);
  }
  // One named table: no title line, the header first.
  const id = json.tables[0].id;
  const one = await raw(admin, report, { format: 'csv', lang: 'sv', table: id });
  assert.equal(one.status, 200);
  assert.equal(one.headers.get('content-disposition').startsWith(`attachment; filename="tarjotin-${report}-`), true);
  const head = one.bytes.subarray(3).toString('utf8').split('\r\n')[0];
  assert.equal(head, json.tables[0].columns.map((c) => c.label).join(';'));
});

/** Reads an XLSX file back with openpyxl: [{title, bold, rows: [[{t, v}]]}]. */
function readXlsx(file) {
  const py = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    rows = [[{"t": type(c.value).__name__, "v": c.value, "f": c.number_format} for c in r] for r in ws.iter_rows()]
    out.append({"title": ws.title, "bold": all(c.font.b for c in ws[1]) if ws.max_row else False, "rows": rows})
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** The sheet name of a title as section 4 says: no []:*?/\, at most 31 characters. */
const sheetName = (title) => [...title.replace(/[[\]:*?/\\]/g, '-')].slice(0, 31).join('').replace(/[' ]+$/, '');

test('XLSX: an attachment whose sheets are the tables', async () => {
  const report = NO_COVERAGE ? 'usage' : 'all';
  const json = (await statsReport(admin, report, { from: FROM, to: TO, lang: 'sv' })).json;
  const r = await raw(admin, report, { from: FROM, to: TO, format: 'xlsx', lang: 'sv' });
  assert.equal(r.status, 200, r.bytes.toString().slice(0, 300));
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="tarjotin-${report}-${FROM}-${TO}.xlsx"`);
  assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
  const file = path.join(TMP, 'all.xlsx');
  writeFileSync(file, r.bytes);
  const sheets = readXlsx(file);
  assert.equal(sheets.length, json.tables.length);
  const names = new Set();
  sheets.forEach((s, i) => {
    const t = json.tables[i];
    assert.ok([...s.title].length <= 31, s.title);
    assert.ok(!/[[\]:*?/\\]/.test(s.title), s.title);
    assert.ok(!names.has(s.title.toLowerCase()), `${s.title} twice`);
    names.add(s.title.toLowerCase());
    const want = sheetName(t.title);
    assert.ok(s.title === want || s.title.endsWith(')'), `${s.title} for "${t.title}"`);
    assert.ok(s.bold, `${s.title}: a bold header`);
    assert.deepEqual(s.rows[0].map((c) => c.v), t.columns.map((c) => c.label), s.title);
    assert.equal(s.rows.length, t.rows.length + 1, s.title);
    t.rows.forEach((row, ri) => row.forEach((v, ci) => {
      const cell = s.rows[ri + 1][ci];
      if (v === null) return assert.equal(cell.v, null, `${s.title}[${ri}][${ci}]`);
      if (typeof v === 'number') {
        assert.ok(cell.t === 'int' || cell.t === 'float', `${s.title}[${ri}][${ci}]: ${cell.t}`);
        assert.ok(Math.abs(cell.v - v) < 1e-9, `${s.title}[${ri}][${ci}]: ${cell.v} != ${v}`);
        if (t.columns[ci].type === 'percent') assert.equal(cell.f, '0.0');
      } else {
        assert.equal(cell.v, v, `${s.title}[${ri}][${ci}]`);
      }
    }));
  });
  assert.ok(sheets.some((s) => s.rows[0].some((c) => /[åäö]/i.test(c.v))), 'a label with å, ä or ö');
  assert.ok(sheets.some((s) => s.rows.slice(1).some((row) => row.some((c) => c.t === 'int'))), 'numbers are numbers');
  if (NO_COVERAGE) return;
  const mun = sheets[json.tables.findIndex((t) => t.id === 'coverage_by_municipality')];
  assert.ok(mun.rows.some((row) => row[0].v === COUNTY_SV), `"${COUNTY_SV}" in ${mun.title}`);
  assert.ok(mun.rows.slice(1).some((row) => row[2].t === 'int'), 'populations are numbers');
});

test('a funder: "<5" in the CSV and the workbook where the JSON suppressed a count', async (t) => {
  if (noCoverage(t)) return;
  const email = `rahoittaja-export-${Date.now().toString(36)}@example.org`;
  noteSecret('email', email);
  const inv = await admin.call('/api/v1/admin/accounts', { method: 'POST', json: { email, role: 'funder', lang: 'fi' } });
  assert.equal(inv.status, 201, inv.text);
  const [link] = await until(async () => { const l = await mailLinks(email); return l.length && l; },
    { timeout: 20000, what: "the funder's invitation link" });
  const funder = await signIn(email, link.slice(link.indexOf('#') + 1));
  const params = { from: FROM, to: TO, lang: 'fi', table: 'coverage_by_municipality' };
  const json = (await statsReport(funder, 'coverage', params)).json;
  assert.equal(json.role, 'funder');
  assert.equal(json.suppress_below, 5);
  const [tab] = json.tables;
  assert.ok(tab.suppressed.length > 0, 'the demo data has municipalities with 1..4 organisations');
  const csv = await raw(funder, 'coverage', { ...params, format: 'csv' });
  assert.equal(csv.status, 200);
  const rows = csv.bytes.subarray(3).toString('utf8').split('\r\n').slice(1).map((l) => l.split(';'));
  const xlsx = await raw(funder, 'coverage', { ...params, format: 'xlsx' });
  assert.equal(xlsx.status, 200);
  const file = path.join(TMP, 'funder.xlsx');
  writeFileSync(file, xlsx.bytes);
  const [sheet] = readXlsx(file);
  for (const [r, c] of tab.suppressed) {
    assert.equal(tab.rows[r][c], null);
    assert.equal(rows[r][c], '<5', `CSV [${r}][${c}]`);
    assert.deepEqual(sheet.rows[r + 1][c], { t: 'str', v: '<5', f: 'General' }, `XLSX [${r}][${c}]`);
  }
});

test('errors: 400 with the field, 404, 401, 403', async () => {
  const bad = [
    [{ from: '2026-13-01' }, 'from'], [{ from: 'x' }, 'from'], [{ from: '2026-05-02', to: '2026-05-01' }, 'from'],
    [{ from: '2020-01-01', to: '2026-01-01' }, 'to'], [{ format: 'pdf' }, 'format'], [{ lang: 'de' }, 'lang'],
    [{ table: 'no_such_table' }, 'table'], [{ table: 'Bad;Table' }, 'table'], [{ format: 'xlsx', table: 'gaps' }, 'table'],
  ];
  for (const [params, field] of bad) {
    const r = await statsReport(admin, 'usage', params);
    assert.equal(r.status, 400, `${JSON.stringify(params)}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_parameter', r.text);
    assert.equal(r.json.error.field, field, `${JSON.stringify(params)}: ${r.text}`);
  }
  const unknown = await statsReport(admin, 'nope', {});
  assert.equal(unknown.status, 404, unknown.text);
  assert.equal(unknown.json.error.code, 'unknown_report');
  const nobody = await statsReport(await anon(), 'usage', {});
  assert.equal(nobody.status, 401, nobody.text);
  const pro = await newProfessional('stats-export');
  const r = await statsReport(pro, 'coverage', {});
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.status, 403);
});

test('the directory silent: the stored coverage, and the report says when it was taken', async (t) => {
  if (noCoverage(t)) return;
  // An hour old is older than any maximum age a stack may set but one day.
  psqlStats("UPDATE stats.coverage SET taken_at = now() - interval '1 hour'");
  const taken = psqlStats("SELECT to_char(max(taken_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM stats.coverage");
  stack('svc-stop', 'directory-1');
  try {
    const r = await statsReport(admin, 'coverage', {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.coverage_stale, true);
    assert.equal(r.json.coverage_taken_at, taken);
    assert.ok(statsTable(r.json, 'coverage_totals').rows[0][1] > 0);
  } finally {
    stack('svc-start', 'directory-1', 'directory');
  }
  await until(async () => (await http('/readyz', { base: INTERNAL_URL })).status === 200, { timeout: 60000, every: 200, what: 'the directory back' });
  // Back: a fresh one again (the stored one is an hour old).
  await until(async () => (await statsReport(admin, 'coverage', {})).json?.coverage_stale === false,
    { timeout: 20000, what: 'a fresh coverage document' });
});

test('stats down: 503; back: reports again', async () => {
  stack('svc-stop', 'stats-1');
  try {
    const r = await statsReport(admin, 'usage', {});
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.status, 503);
  } finally {
    stack('svc-start', 'stats-1', 'stats');
  }
  await until(async () => (await statsReport(admin, 'usage', {})).status === 200, { timeout: 30000, what: 'stats to report again' });
});
