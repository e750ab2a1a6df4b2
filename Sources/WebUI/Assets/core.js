// Shared by every page: strings, element building, formatting, the API client and sign-in.
// Text from the API only ever reaches the page as text nodes (el() and textContent), never as HTML.
const body = document.body;
const LANG = body.dataset.lang || 'en';
const STRINGS = JSON.parse(body.dataset.strings || '{}');
const TOKEN_KEY = 'vmaggregator.token';

/** The UI string `key` in the page's language, with `{name}` placeholders filled from `vars`. */
function t(key, vars) {
  const text = Object.prototype.hasOwnProperty.call(STRINGS, key) ? STRINGS[key] : key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

/** A new element with attributes and children; strings become text nodes. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function $(selector) { return document.querySelector(selector); }

/** A URL of this site with query parameters; empty values are left out. */
function pageURL(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== '') query.append(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

const numberFormat = new Intl.NumberFormat(LANG);
const dateFormat = new Intl.DateTimeFormat(LANG, { dateStyle: 'medium', timeStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(LANG, { timeStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(LANG, { numeric: 'auto' });

function formatNumber(value) { return value === null || value === undefined || value === '' ? '' : numberFormat.format(value); }

/** A `<time>` element showing an ISO 8601 instant in the browser's time zone. */
function timeElement(iso, short) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return el('time', { datetime: iso, title: dateFormat.format(date) }, (short ? timeFormat : dateFormat).format(date));
}

/** `12 seconds ago`, `5 minutes ago` for an age in milliseconds. */
function formatAge(ms) {
  if (ms === null || ms === undefined) return '';
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return relativeFormat.format(-seconds, 'second');
  if (seconds < 90 * 60) return relativeFormat.format(-Math.round(seconds / 60), 'minute');
  if (seconds < 36 * 3600) return relativeFormat.format(-Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(-Math.round(seconds / 86400), 'day');
}

/** `1.2 s`, `340 ms`, `2 min 5 s`. */
function formatDuration(ms) {
  if (ms === null || ms === undefined || ms < 0) return '';
  if (ms < 1000) return t('duration_ms', { n: Math.round(ms) });
  const seconds = ms / 1000;
  if (seconds < 60) return t('duration_s', { n: seconds.toFixed(1) });
  return t('duration_min', { m: Math.floor(seconds / 60), s: Math.round(seconds % 60) });
}

function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '';
  const gib = bytes / 2 ** 30;
  return t('size_gib', { n: gib >= 10 ? Math.round(gib) : Number(gib.toFixed(1)) });
}

/** A status word with a shape as well as a colour: ok, warn, bad, busy or neutral. */
function badge(tone, text) {
  const marks = { ok: '●', warn: '▲', bad: '■', busy: '◌', neutral: '○' };
  return el('span', { class: `badge badge-${tone}` }, el('span', { 'aria-hidden': 'true' }, marks[tone] || '○'), ' ', text);
}

const STATUS_TONES = {
  up: 'ok', succeeded: 'ok', done: 'ok',
  down: 'bad', failed: 'bad', error: 'bad', non_responsive: 'bad', interrupted: 'bad', install_failed: 'bad',
  running: 'busy', queued: 'busy', migrating: 'busy', powering_up: 'busy', powering_down: 'busy',
  reboot_in_progress: 'busy', image_locked: 'busy', wait_for_launch: 'busy', saving_state: 'busy',
  restoring_state: 'busy', preparing_for_maintenance: 'busy', installing: 'busy', activating: 'busy',
  maintenance: 'warn', suspended: 'warn', paused: 'warn', not_responding: 'warn', unknown: 'warn', skipped: 'neutral',
};

/** A status badge with the status translated where the UI knows it. */
function statusBadge(status) {
  const text = STRINGS[`status_${status}`] || status || '?';
  return badge(STATUS_TONES[status] || 'neutral', text);
}

/** Says `text` to screen readers (and shows it where the page has a status line). */
function announce(text) {
  const status = $('#live-status');
  if (status) status.textContent = text;
}

/** An answer of the API that is not a success: status, code, message and fix. */
class APIError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || (status ? `HTTP ${status}` : t('error_network')));
    this.status = status;
    this.code = error.code || (status ? `http_${status}` : 'network');
    this.fix = error.fix || null;
    this.body = body;
  }
}

/** A box saying what went wrong, with the API's fix when it gave one. */
function errorBox(error) {
  if (error.status === 401) return el('p', { class: 'banner banner-info' }, t('auth_waiting'));
  const box = el('div', { class: 'banner banner-danger', role: 'alert' },
    el('strong', {}, t('error_title')), ' ', error.message || String(error));
  if (error.fix) box.append(el('div', { class: 'fix' }, t('fix_label'), ' ', error.fix));
  return box;
}

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
}

/** Calls the public API as curl would, with the signed-in token if there is one. */
async function api(path, options = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method: options.method || 'GET', body: options.body, headers, signal: options.signal,
      cache: 'no-store', credentials: 'same-origin',
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new APIError(0, null);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (error) { data = null; }
  }
  if (response.status === 401) Auth.required(data);
  if (!response.ok) throw new APIError(response.status, data);
  return { status: response.status, data };
}

/** Sign-in: a token form that appears when the API answers 401, kept for this tab only. */
const Auth = {
  listeners: [],
  required(body) {
    const section = $('#auth');
    if (!section || !section.hidden) return;
    section.hidden = false;
    const error = $('#auth-error');
    if (storedToken()) {
      error.textContent = (body && body.error && body.error.message) || t('auth_rejected');
      error.hidden = false;
    }
    $('#auth-token').focus();
  },
  onSignIn(listener) { this.listeners.push(listener); },
  setup() {
    const form = $('#auth-form');
    const forget = $('#auth-forget');
    if (forget) {
      forget.hidden = !storedToken();
      forget.addEventListener('click', () => {
        try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage disabled */ }
        window.location.reload();
      });
    }
    if (!form) return;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('#auth-token').value.trim();
      if (!value) return;
      try { sessionStorage.setItem(TOKEN_KEY, value); } catch (e) { /* storage disabled */ }
      $('#auth-token').value = '';
      $('#auth-error').hidden = true;
      $('#auth').hidden = true;
      if (forget) forget.hidden = false;
      announce(t('auth_signed_in'));
      for (const listener of this.listeners) listener();
    });
  },
};

/**
 * Runs `task` now and then every `ms` milliseconds after it finishes, while the tab is visible.
 * Returns a function that stops it.
 */
function repeat(ms, task) {
  let timer = null;
  let stopped = false;
  const run = async () => {
    timer = null;
    if (stopped) return;
    if (document.hidden) { timer = setTimeout(run, ms); return; }
    try { await task(); } catch (error) { /* the task shows its own errors */ }
    if (!stopped) timer = setTimeout(run, ms);
  };
  run();
  return () => { stopped = true; if (timer) clearTimeout(timer); };
}

/** The configured engines and their kinds, from the JSON index at `/` (what curl sees). */
let enginesPromise = null;
function configuredEngines() {
  if (!enginesPromise) {
    enginesPromise = api('/').then((answer) => answer.data.engines || []).catch((error) => {
      enginesPromise = null;
      throw error;
    });
  }
  return enginesPromise;
}

/** Fills a `<select>` with the configured engines, keeping `selected` chosen. */
async function fillEngineSelect(select, selected) {
  const engines = await configuredEngines();
  for (const engine of engines) {
    if ([...select.options].some((option) => option.value === engine.name)) continue;
    select.append(el('option', { value: engine.name }, `${engine.name} (${engine.kind})`));
  }
  select.value = selected || '';
}

/** Keeps the language links pointing at the current view. */
function updateLanguageLinks() {
  for (const link of document.querySelectorAll('[data-lang-switch]')) {
    const params = new URLSearchParams(window.location.search);
    params.set('lang', link.dataset.langSwitch);
    link.href = `${window.location.pathname}?${params}`;
  }
}

/** Drops `?lang=` from the address once the server has remembered the choice. */
function dropLanguageParameter() {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('lang')) return;
  params.delete('lang');
  const query = params.toString();
  window.history.replaceState(window.history.state, '', window.location.pathname + (query ? `?${query}` : ''));
}
