// The relevance set (issue 17): queries written the way professionals type,
// each with the demo activities that should come first (queries.json), and
// nDCG@5 and the zero-result rate of the search over them.
//   node tests/relevance/relevance.mjs http://127.0.0.1:8080
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const QUERIES = JSON.parse(
  readFileSync(new URL('./queries.json', import.meta.url), 'utf8'));

const PARALLEL = 4;
const TIMEOUT_MS = 5000;

const gain = (g) => 2 ** g - 1;
const disc = (i) => Math.log2(i + 2); // i is 0-based: rank 1 -> log2(2)

/** nDCG@5 of the ids returned against the graded expect list. An id
 * listed twice counts once, with its higher grade: the ideal ranking is
 * made of the activities that exist, so a perfect answer scores 1. */
export function ndcg5(ids, expect) {
  const grade = new Map();
  for (const e of expect) grade.set(e.id, Math.max(e.grade, grade.get(e.id) ?? 0));
  let dcg = 0;
  ids.slice(0, 5).forEach((id, i) => { dcg += gain(grade.get(id) ?? 0) / disc(i); });
  const ideal = [...grade.values()].sort((a, b) => b - a).slice(0, 5);
  const idcg = ideal.reduce((s, g, i) => s + gain(g) / disc(i), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

async function search(baseUrl, q) {
  const url = `${baseUrl}/api/v1/activities?q=${encodeURIComponent(q)}&per_page=5`;
  const r = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
  const j = await r.json();
  return j.items.map((it) => it.id);
}

export async function measure(baseUrl, queries = QUERIES) {
  const perQuery = new Array(queries.length);
  let next = 0;
  async function worker() {
    while (next < queries.length) {
      const i = next++;
      const { q, kind, expect } = queries[i];
      const ids = await search(baseUrl, q);
      perQuery[i] = { q, kind, ndcg5: ndcg5(ids, expect), zero: ids.length === 0, ids };
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  const byKind = {};
  for (const p of perQuery) {
    const k = (byKind[p.kind] ??= { n: 0, ndcg5: 0, zero: 0 });
    k.n++; k.ndcg5 += p.ndcg5; k.zero += p.zero ? 1 : 0;
  }
  for (const k of Object.values(byKind)) k.ndcg5 /= k.n;
  const n = perQuery.length;
  return {
    ndcg5: perQuery.reduce((s, p) => s + p.ndcg5, 0) / n,
    zeroRate: perQuery.filter((p) => p.zero).length / n,
    zeroQueries: perQuery.filter((p) => p.zero).map((p) => p.q),
    byKind,
    perQuery,
  };
}

export function report(m) {
  const lines = [];
  lines.push(`${'kind'.padEnd(12)} ${'n'.padStart(4)} ${'nDCG@5'.padStart(7)} ${'zero'.padStart(5)}`);
  for (const [kind, k] of Object.entries(m.byKind).sort()) {
    lines.push(`${kind.padEnd(12)} ${String(k.n).padStart(4)} ${k.ndcg5.toFixed(3).padStart(7)} ${String(k.zero).padStart(5)}`);
  }
  lines.push(`overall nDCG@5 ${m.ndcg5.toFixed(3)}, zero-result rate ${m.zeroRate.toFixed(3)}`);
  lines.push(`zero-result queries: ${m.zeroQueries.length ? m.zeroQueries.join(' | ') : '(none)'}`);
  lines.push(`relevance ndcg5=${m.ndcg5.toFixed(3)} zero_rate=${m.zeroRate.toFixed(3)} queries=${m.perQuery.length}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const base = (process.argv[2] || process.env.TARJOTIN_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
  const m = await measure(base);
  console.log(report(m));
  if (process.argv.includes('--verbose')) {
    for (const p of m.perQuery) console.log(`${p.ndcg5.toFixed(2)} ${p.kind.padEnd(11)} ${p.q}`);
  }
}
