# Sourced by tests/bench/bench.sh (URL, TMP, wrk_run available): statistics
# (issue 15, docs/statistics.md).
#   1. ping with stats counting vs stopped: every ping is one usage event, so
#      the gateway's own traffic is the event load; the ratio is within wrk's
#      noise when counting never slows a request down, and the events stats
#      counted during the run give its rate at that load;
#   2. stats alone: tests/tools/statsflood pushes gateway-like batches (500
#      events: API calls, page views with visits, searches with zero-result
#      gaps and words) for BENCH_STATS_FLOOD_S seconds (default 5, at most
#      400,000 batches); events per second = events / (first push -> last
#      one counted in Redis, waited for at most 120 s);
#   3. a report over a year: a year of rolled-up days generated into the stats
#      schema (50 user sites, 3 pages, 300 gap combinations and 30 words a
#      day, 36,500 contact-request events), then BENCH_STATS_REPORTS (default
#      40) calls of GET /api/v1/stats/all for the whole year as an admin, one
#      at a time; p50 and p99.
echo
echo "== statistics: ping with stats counting vs stopped, stats' own absorption, a report over a year"
STATS_DAY=$(TZ=Europe/Helsinki date +%F)
stats_hget() { redis-cli -p "$P_REDIS" HGET "tj:stats:$STATS_DAY" "$1" | awk '{print $1 + 0}'; }

# 1. The gateway's own events.
p0=$(stats_hget 'api|ping|200')
read -r on_t on_p _ <<<"$(wrk_run "$URL/api/v1/ping")"
for _ in $(seq 100); do
  p1=$(stats_hget 'api|ping|200')
  [[ $p1 -ge $((p0 + ${on_t%.*} * SECS / 2)) ]] && break
  sleep 0.1
done
scripts/stack.sh svc-stop "$TMP" stats-1
read -r off_t off_p _ <<<"$(wrk_run "$URL/api/v1/ping")"
scripts/stack.sh svc-start "$TMP" stats-1 stats
p1=$(stats_hget 'api|ping|200')
printf '%-28s %10.0f req/s  p99 %6.2f ms\n' "ping, stats counting" "$on_t" "$on_p"
printf '%-28s %10.0f req/s  p99 %6.2f ms\n' "ping, stats stopped" "$off_t" "$off_p"
ratio=$(awk "BEGIN {printf \"%.2f\", $on_t / $off_t}")
printf '%-28s %10s\n' "  ratio counting/stopped" "$ratio"
printf '  pings counted while wrk ran: %s (%.0f events/s)\n' "$((p1 - p0))" "$(awk "BEGIN {print ($p1 - $p0) / $SECS}")"

# 2. Stats alone, as fast as it takes them.
for _ in $(seq 100); do curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_INTERNAL/readyz" | grep -q 200 && break; sleep 0.1; done
b0=$(stats_hget 'api|bench|200')
t0=$(date +%s.%N)
flood=$(TARJOTIN_STACK_DIR=$TMP "$TARJOTIN_BIN/tools/statsflood" "tcp://127.0.0.1:$P_STATS" "${BENCH_STATS_FLOOD_S:-5}" 400000 500)
read -r _ batches _ events _ api _ <<<"$flood"
for _ in $(seq 1200); do
  b1=$(stats_hget 'api|bench|200')
  [[ $b1 -ge $((b0 + api)) ]] && break
  sleep 0.1
done
t1=$(date +%s.%N)
eps=$(awk "BEGIN {printf \"%.0f\", $events / ($t1 - $t0)}")
printf '  stats absorbed %s events (%s batches) in %.2f s: %s events/s (%s of %s API events counted)\n' \
  "$events" "$batches" "$(awk "BEGIN {print $t1 - $t0}")" "$eps" "$((b1 - b0))" "$api"

# 3. A year of rolled-up days, then reports over it.
SQL=(psql -X -q -At -h 127.0.0.1 -p "$P_PG" -U tarjotin_stats -d tarjotin -v ON_ERROR_STOP=1)
"${SQL[@]}" <<'SQL'
WITH days AS (SELECT d::date AS day FROM generate_series(current_date - 365, current_date - 1, interval '1 day') d),
     sites AS (SELECT md5('site' || s)::uuid::text AS site FROM generate_series(1, 50) s)
INSERT INTO stats.daily (day, metric, d1, d2, d3, n)
SELECT day, 'pv', p, site, '', (random() * 40)::int FROM days, sites, unnest(ARRAY['index', 'request', 'my-requests']) p
UNION ALL SELECT day, 'search', 'all', '', '', (random() * 2000)::int FROM days
UNION ALL SELECT day, 'zero', 'need-' || (g % 20), 'kind-' || (g % 15), lpad((g % 300)::text, 3, '0'), (random() * 6)::int
  FROM days, generate_series(1, 300) g
UNION ALL SELECT day, 'zword', 'sana' || chr(97 + g % 26) || chr(97 + g / 26), '', '', (random() * 9)::int FROM days, generate_series(1, 30) g
ON CONFLICT DO NOTHING;
INSERT INTO stats.sessions (day, site, n)
SELECT d::date, md5('site' || s)::uuid::text, (random() * 30)::int
  FROM generate_series(current_date - 365, current_date - 1, interval '1 day') d, generate_series(1, 50) s
ON CONFLICT DO NOTHING;
INSERT INTO stats.cr_events (id, kind, at, day, county, kinds, needs, user_site, days, reaction_minutes)
SELECT md5('cr' || g)::uuid, (ARRAY['sent', 'opened', 'contacted', 'declined'])[1 + g % 4],
       now() - (g % 365) * interval '1 day', (now() - (g % 365) * interval '1 day')::date, 'PS',
       ARRAY['peer-support'], ARRAY['memory'], md5('site' || (g % 50))::uuid::text,
       CASE WHEN g % 4 = 2 THEN 1 + g % 5 ELSE -1 END, CASE WHEN g % 4 = 2 THEN g % 7200 ELSE -1 END
  FROM generate_series(1, 36500) g
ON CONFLICT DO NOTHING;
SQL
# Statistics for the planner, as autovacuum would gather them in time: right
# after a bulk insert the plans are those of empty tables (a year's report
# p50 500-850 ms here instead of 150 ms, and over the gateway's 2 s under
# the bench's load).
psql -X -q -At -h 127.0.0.1 -p "$P_PG" -U tarjotin_stats_owner -d tarjotin \
  -c "ANALYZE stats.daily; ANALYZE stats.sessions; ANALYZE stats.cr_events" >/dev/null
cat >"$TMP/statsbench.mjs" <<'JS'
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
const [dir, N] = [process.argv[2], Number(process.argv[3])];
const env = Object.fromEntries(readFileSync(`${dir}/env`, 'utf8').split('\n').filter((l) => l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const origin = new URL(env.TARJOTIN_PUBLIC_URL || env.TARJOTIN_URL).origin;
const cookiesOf = (res) => Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0])
  .map((c) => [c.slice(0, c.indexOf('=')).replace(/^__Host-/, ''), c]));
const link = execFileSync(`${env.TARJOTIN_BIN}/tarjotin-admin`, ['login-link', 'koordinaattori@hyvinvointialue.example.org'],
  { encoding: 'utf8', timeout: 30000, env: { ...process.env, ...env, TARJOTIN_PUBLIC_URL: env.TARJOTIN_PUBLIC_URL || env.TARJOTIN_URL } });
const anon = cookiesOf(await fetch(`${env.TARJOTIN_URL}/api/v1/session`));
const r = await fetch(`${env.TARJOTIN_URL}/api/v1/auth/link`, {
  method: 'POST', body: JSON.stringify({ token: /#([A-Za-z0-9_-]+)/.exec(link)[1] }),
  headers: { 'Content-Type': 'application/json', Cookie: anon.tj_csrf, Origin: origin,
    'X-CSRF-Token': anon.tj_csrf.slice(anon.tj_csrf.indexOf('=') + 1) },
});
if (r.status !== 200) throw new Error(`sign-in: ${r.status}`);
const headers = { Cookie: cookiesOf(r).tj_session };
const day = (d) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(d);
const to = day(new Date());
const from = day(new Date(Date.now() - 365 * 86400000));
const ms = [];
let bytes = 0;
let rows = 0;
const deadline = Date.now() + 120000;
for (let i = 0; i < N && Date.now() < deadline; i++) {
  const t = performance.now();
  const res = await fetch(`${env.TARJOTIN_URL}/api/v1/stats/all?from=${from}&to=${to}`, { headers, signal: AbortSignal.timeout(30000) });
  const text = await res.text();
  ms.push(performance.now() - t);
  if (res.status !== 200) throw new Error(`report: ${res.status} ${text.slice(0, 200)}`);
  bytes = text.length;
  rows = JSON.parse(text).tables.reduce((a, x) => a + x.rows.length, 0);
}
ms.sort((a, b) => a - b);
const pct = (p) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)];
console.log(`reports ${ms.length} p50_ms ${pct(0.5).toFixed(1)} p99_ms ${pct(0.99).toFixed(1)} rows ${rows} bytes ${bytes}`);
JS
if out=$(timeout 200 node "$TMP/statsbench.mjs" "$TMP" "${BENCH_STATS_REPORTS:-40}" 2>&1); then
  read -r _ n _ p50 _ p99 _ rows _ bytes <<<"$out"
  printf '  report "all" over a year (%s rows, %s bytes): %s calls, p50 %s ms, p99 %s ms\n' "$rows" "$bytes" "$n" "$p50" "$p99"
else
  p99=NaN
  echo "  report bench failed: $out"
fi
echo "stats ratio=$ratio eps=$eps report_p99_ms=$p99" >>"$TMP/results"
