// The gateway's kept search pages (services/gateway/pagecache.h): a page
// goes again only while the directory's snapshot still holds it (on a
// snapshot notice, or on the directory's "unchanged"), a change shows at
// once and never reverts, and a gateway that keeps no pages gives the same
// bytes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_URL, http, until, psql, metric, freePorts, startGateway, stopGateway } from './lib.mjs';

async function pageMetrics() {
  const t = (await http('/metrics', { base: INTERNAL_URL })).text;
  return {
    current: metric(t, 'tarjotin_page_cache_current_total'),
    unchanged: metric(t, 'tarjotin_page_cache_unchanged_total'),
    fetched: metric(t, 'tarjotin_page_cache_fetched_total'),
    pages: metric(t, 'tarjotin_page_cache_pages'),
  };
}

async function body(path, base) {
  const r = await http(path, base ? { base } : {});
  assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
  return r.text;
}

test('a search asked again is sent from the kept page, and a change shows at once and stays', async () => {
  // per_page=7: a request no other test asks, so its page is this test's.
  const path = '/api/v1/activities?q=muisti&per_page=7';
  await until(async () => JSON.parse(await body(path)).total > 0, { what: 'muisti to find something' });
  const first = await body(path);
  const m0 = await pageMetrics();
  assert.ok(m0.pages >= 1, 'the page is kept');
  for (let i = 0; i < 10; i++) assert.equal(await body(path), first, 'the same page again');
  const m1 = await pageMetrics();
  assert.ok(m1.current + m1.unchanged - m0.current - m0.unchanged >= 10,
    `ten searches from the kept page: ${JSON.stringify([m0, m1])}`);

  // A change to an activity on the page: the directory's next snapshot
  // has a new tag, so the kept page no longer goes.
  const id = JSON.parse(first).items[0].id;
  const [{ summary }] = JSON.parse(psql(`SELECT json_agg(json_build_object('summary', summary)) FROM activities WHERE id = '${id}'`));
  const marker = `Sivun välimuistin testi ${Date.now()}`;
  try {
    const t0 = Date.now();
    psql(`UPDATE activities SET summary = '${marker}' WHERE id = '${id}'`);
    await until(async () => (await body(path)).includes(marker), { timeout: 3000, every: 10, what: 'the change on the page' });
    const ms = Date.now() - t0;
    console.log(`# the change was on the kept page's search after ${ms} ms`);
    assert.ok(ms < 1000, `the change showed after ${ms} ms`);
    for (let i = 0; i < 20; i++) assert.ok((await body(path)).includes(marker), 'the old page never comes back');
  } finally {
    psql(`UPDATE activities SET summary = '${summary.replace(/'/g, "''")}' WHERE id = '${id}'`);
  }
  await until(async () => !(await body(path)).includes(marker), { timeout: 3000, every: 20, what: 'the summary restored' });
});

test('a gateway that keeps no pages gives the same bytes', async () => {
  const [port] = freePorts(1);
  const gw = startGateway({ TARJOTIN_HTTP_PORT: port, TARJOTIN_GATEWAY_PAGE_CACHE_MB: '0', TARJOTIN_INSTANCE: 'gateway-nopages' });
  const base = `http://127.0.0.1:${port}`;
  try {
    await until(async () => (await http('/healthz', { base: gw.internal })).status === 200, { timeout: 15000, what: 'the second gateway' });
    const paths = ['/api/v1/activities', '/api/v1/activities?q=muisti', '/api/v1/activities?q=anh%C3%B6riga&page=2&per_page=5',
      '/api/v1/activities?need=memory', '/api/v1/activities?q=G30&takes_new=true', '/api/v1/activities?q=zzzzqqq'];
    for (const p of paths) {
      await body(p); // kept by the stack's gateway
      const kept = await body(p);
      assert.equal(await body(p, base), kept, `${p}: the same bytes from both gateways`);
    }
    const t = (await http('/metrics', { base: gw.internal })).text;
    assert.equal(metric(t, 'tarjotin_page_cache_pages'), undefined, 'no page cache in the second gateway');
  } finally {
    await stopGateway(gw);
  }
});
