// Thin client for the Tarjotin JSON API v1 (docs/api-v1.md), same origin.

export const API_BASE = '/api/v1/';

export class ApiError extends Error {
  // kind: 'unavailable' (503 or no answer), 'network', 'not_found', 'http'
  constructor(kind, status, message, code, field) {
    super(message || kind);
    this.kind = kind;
    this.status = status;
    this.code = code || '';
    this.field = field || '';
  }
}

export async function apiGet(path, params, lang) {
  const qs = params ? new URLSearchParams(params).toString() : '';
  const url = API_BASE + path + (qs ? '?' + qs : '');
  let res;
  try {
    res = await fetch(url, {
      headers: { Accept: 'application/json', 'Accept-Language': lang || 'fi' },
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError('network', 0, String(e && e.message || e));
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  if (!res.ok) {
    const err = body && body.error ? body.error : {};
    let kind = 'http';
    if (res.status === 503 || err.code === 'unavailable') kind = 'unavailable';
    else if (res.status === 404 || err.code === 'not_found') kind = 'not_found';
    else if (res.status === 502 || res.status === 504) kind = 'unavailable';
    throw new ApiError(kind, res.status, err.message || res.statusText, err.code, err.field);
  }
  if (body === null) throw new ApiError('http', res.status, 'invalid JSON from the server');
  return body;
}

// Reference data changes rarely: fetch once per page load, retry after a failure.
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
