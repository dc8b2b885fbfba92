// Thin client for the Tarjotin JSON API v1 (docs/api-v1.md, docs/identity.md), same origin.
// Every state-changing call (apiSend) carries the session's CSRF token as X-CSRF-Token;
// the token comes from GET /api/v1/session, fetched once per page load (getSession).

export const API_BASE = '/api/v1/';

export class ApiError extends Error {
  // kind: 'unavailable' (503 or no answer), 'network', 'not_found', 'http'
  // retryAfter: seconds from a 429's Retry-After header, else 0
  constructor(kind, status, message, code, field, retryAfter) {
    super(message || kind);
    this.kind = kind;
    this.status = status;
    this.code = code || '';
    this.field = field || '';
    this.retryAfter = retryAfter || 0;
    this.fields = [];    // invalid_fields: [{field, code, message}]
    this.current = null; // version_conflict: the current document
  }
}

async function call(method, path, { params, body, lang, headers, raw } = {}) {
  const qs = params ? new URLSearchParams(params).toString() : '';
  const url = (path.startsWith('/') ? path : API_BASE + path) + (qs ? '?' + qs : '');
  const h = { Accept: 'application/json', 'Accept-Language': lang || 'fi', ...(headers || {}) };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError('network', 0, String(e && e.message || e));
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    let kind = 'http';
    if (res.status === 503 || err.code === 'unavailable') kind = 'unavailable';
    else if (res.status === 404 || err.code === 'not_found') kind = 'not_found';
    else if (res.status === 502 || res.status === 504) kind = 'unavailable';
    const retry = parseInt(res.headers.get('Retry-After') || '0', 10);
    const e = new ApiError(kind, res.status, err.message || res.statusText, err.code, err.field,
      Number.isFinite(retry) && retry > 0 ? retry : 0);
    if (Array.isArray(err.fields)) e.fields = err.fields;
    if (err.current && typeof err.current === 'object') e.current = err.current;
    throw e;
  }
  if (data === null) throw new ApiError('http', res.status, 'invalid JSON from the server');
  if (raw) return { data, etag: res.headers.get('ETag') || '', replayed: res.headers.get('Idempotent-Replayed') === 'true' };
  return data;
}

export function apiGet(path, params, lang) {
  return call('GET', path, { params, lang });
}

// ---------------------------------------------------------------- the session

let sessionPromise = null;

// GET /api/v1/session, once per page load (it never answers 401): {signed_in, csrf,
// account?, providers}. A failed fetch is forgotten, so the next call tries again.
export function getSession(lang) {
  if (!sessionPromise) {
    sessionPromise = call('GET', 'session', { lang }).catch((e) => {
      sessionPromise = null;
      throw e;
    });
  }
  return sessionPromise;
}

// Replaces the remembered session (a sign-in answers with the new one).
export function setSession(doc) {
  sessionPromise = Promise.resolve(doc);
}

// Forgets it: the next getSession() asks the gateway again.
export function forgetSession() {
  sessionPromise = null;
}

// POST/PUT/DELETE with the CSRF token. A 403 "csrf" (the session ended or changed since
// the page loaded) fetches the session again and retries once.
export async function apiSend(method, path, body, lang) {
  for (let attempt = 0; ; attempt++) {
    const s = await getSession(lang);
    try {
      return await call(method, path, { body, lang, headers: { 'X-CSRF-Token': s.csrf || '' } });
    } catch (e) {
      if (attempt === 0 && e instanceof ApiError && e.status === 403 && e.code === 'csrf') {
        forgetSession();
        continue;
      }
      throw e;
    }
  }
}

// A document and its ETag (the self-service documents, docs/selfservice.md): GET →
// {data, etag}.
export function apiGetDoc(path, lang) {
  return call('GET', path, { lang, raw: true });
}

// POST/PUT with the CSRF token and, when version is given, If-Match: "<version>" →
// {data, etag}. Errors as apiSend's (ApiError; .fields, .current).
export async function apiSendDoc(method, path, body, lang, version) {
  for (let attempt = 0; ; attempt++) {
    const s = await getSession(lang);
    const headers = { 'X-CSRF-Token': s.csrf || '' };
    if (version !== undefined && version !== null && version !== '') headers['If-Match'] = `"${version}"`;
    try {
      return await call(method, path, { body, lang, headers, raw: true });
    } catch (e) {
      if (attempt === 0 && e instanceof ApiError && e.status === 403 && e.code === 'csrf') {
        forgetSession();
        continue;
      }
      throw e;
    }
  }
}

// POST with the CSRF token and an Idempotency-Key (docs/contactrequests.md, the send):
// the same key again answers the first answer → {data, etag, replayed}.
export async function apiSendIdempotent(path, body, lang, key) {
  for (let attempt = 0; ; attempt++) {
    const s = await getSession(lang);
    try {
      return await call('POST', path, { body, lang, headers: { 'X-CSRF-Token': s.csrf || '', 'Idempotency-Key': key }, raw: true });
    } catch (e) {
      if (attempt === 0 && e instanceof ApiError && e.status === 403 && e.code === 'csrf') {
        forgetSession();
        continue;
      }
      throw e;
    }
  }
}

export async function signOut(lang) {
  await apiSend('POST', 'auth/signout', {}, lang);
  forgetSession();
}

// ---------------------------------------------------------------- reference data
// Changes rarely: fetch once per page load, retry after a failure.
const memo = new Map();
function once(key, fn) {
  if (!memo.has(key)) {
    const p = fn().catch((e) => {
      memo.delete(key);
      throw e;
    });
    memo.set(key, p);
  }
  return memo.get(key);
}

export function getTaxonomies(lang) {
  return once('taxonomies', () => apiGet('taxonomies', null, lang));
}

export function getMunicipalities(lang) {
  return once('municipalities', () => apiGet('municipalities', null, lang));
}

export function searchActivities(filters, lang) {
  return apiGet('activities', filters, lang);
}

export function getActivity(id, lang) {
  return apiGet('activities/' + encodeURIComponent(id), null, lang);
}
