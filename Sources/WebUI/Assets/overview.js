// The estate overview: every engine with its kind, version, status, counts and data age.

/** One engine's state from its listing status and its live probe: up, stale or down. */
function engineState(listed, probed) {
  if (listed && !listed.ok) return 'down';
  if (probed && probed.status && !probed.status.ok) return 'down';
  if (listed && listed.stale) return 'stale';
  if (!listed && !probed) return 'unknown';
  return 'up';
}

const ENGINE_TONES = { up: 'ok', stale: 'warn', down: 'bad', unknown: 'neutral' };

/** Fills the banner every page shows when an engine is down or its data is stale. */
function showEstateAlert(problems) {
  const banner = $('#estate-alert');
  if (!banner) return;
  // Rewritten only when what it says changes, so screen readers announce each change once.
  const signature = JSON.stringify(problems.map((problem) => [problem.engine, problem.state, problem.message]));
  if (banner.dataset.signature === signature) return;
  banner.dataset.signature = signature;
  banner.replaceChildren();
  if (!problems.length) { banner.hidden = true; return; }
  banner.append(el('strong', {}, t('estate_alert', { n: problems.length })));
  const list = el('ul');
  for (const problem of problems) {
    list.append(el('li', {},
      el('a', { href: `/#engine-${encodeURIComponent(problem.engine)}` }, problem.engine), ': ',
      t(`engine_${problem.state}`), problem.message ? ` — ${problem.message}` : ''));
  }
  banner.append(list);
  banner.hidden = false;
}

/** Problems of a listing's engine statuses, for the banner. */
function statusProblems(statuses) {
  return (statuses || []).filter((s) => !s.ok || s.stale).map((s) => ({
    engine: s.engine, state: s.ok ? 'stale' : 'down', message: s.message, ageMs: s.age_ms,
  }));
}

/** On pages other than the overview: keep the banner current from the cheapest listing. */
function watchEstate() {
  return repeat(15000, async () => {
    const answer = await api('/api/v1/clusters?limit=1');
    showEstateAlert(statusProblems(answer.data.engines));
  });
}

function overviewPage() {
  const tbody = $('#engines-table tbody');
  const summary = $('#estate-summary');
  const updated = $('#engines-updated');
  const errors = $('#overview-errors');
  const state = { vms: null, hosts: null, clusters: null, backends: null, checkedAt: null };

  function render() {
    const listed = state.vms ? state.vms.engines : [];
    const byName = (list, name) => (list || []).find((entry) => (entry.engine || entry.name) === name);
    const names = [];
    for (const entry of listed) names.push(entry.engine);
    for (const entry of (state.backends ? state.backends.items : [])) if (!names.includes(entry.name)) names.push(entry.name);
    if (!names.length) return;
    const rows = [];
    const problems = [];
    const totals = { vms: 0, hosts: 0, clusters: 0, down: 0, stale: 0 };
    for (const name of names) {
      const vmStatus = byName(listed, name);
      const hostStatus = byName(state.hosts && state.hosts.engines, name);
      const clusterStatus = byName(state.clusters && state.clusters.engines, name);
      const probe = byName(state.backends && state.backends.items, name);
      const engineStateName = engineState(vmStatus, probe);
      const message = (vmStatus && vmStatus.message) || (probe && probe.status && probe.status.message) || '';
      if (engineStateName === 'down') totals.down += 1;
      if (engineStateName === 'stale') totals.stale += 1;
      if (engineStateName === 'down' || engineStateName === 'stale') {
        problems.push({ engine: name, state: engineStateName, message, ageMs: vmStatus && vmStatus.age_ms });
      }
      const count = (status, key, path) => {
        if (!status) return '';
        totals[key] += status.count;
        return el('a', { href: pageURL(path, { engine: name }), 'aria-label': t(`count_${key}_of`, { n: formatNumber(status.count), engine: name }) },
          formatNumber(status.count));
      };
      const kind = (vmStatus && vmStatus.kind) || (probe && probe.kind) || '';
      const version = probe ? [probe.product, probe.version].filter(Boolean).join(' ') : '';
      const age = vmStatus && vmStatus.age_ms !== undefined && vmStatus.age_ms !== null ? formatAge(vmStatus.age_ms) : '';
      rows.push(el('tr', { id: `engine-${name}`, class: `engine-row engine-${engineStateName}`, 'data-engine': name, 'data-state': engineStateName },
        el('th', { scope: 'row' }, name),
        el('td', {}, kind),
        el('td', {}, version || (state.backends ? '—' : t('loading'))),
        el('td', { class: 'engine-state' }, badge(ENGINE_TONES[engineStateName], t(`engine_${engineStateName}`))),
        el('td', { class: 'num' }, count(vmStatus, 'vms', '/vms')),
        el('td', { class: 'num' }, count(hostStatus, 'hosts', '/hosts')),
        el('td', { class: 'num' }, count(clusterStatus, 'clusters', '/clusters')),
        el('td', { class: 'freshness' }, age ? (vmStatus.stale ? t('data_stale_since', { age }) : t('data_fresh_since', { age })) : '—',
          freshnessDetail(probe && probe.freshness)),
        el('td', { class: 'problem' }, message)));
    }
    tbody.replaceChildren(...rows);
    showEstateAlert(problems);
    summary.replaceChildren(
      summaryItem(t('summary_engines'), formatNumber(names.length),
        totals.down || totals.stale ? t('summary_engines_problems', { down: totals.down, stale: totals.stale }) : t('summary_all_up')),
      summaryItem(t('summary_vms'), formatNumber(totals.vms), ''),
      summaryItem(t('summary_hosts'), formatNumber(totals.hosts), ''),
      summaryItem(t('summary_clusters'), formatNumber(totals.clusters), ''));
    if (state.checkedAt) updated.textContent = t('updated_at', { time: timeFormat.format(state.checkedAt) });
  }

  // How the model keeps this engine current: its last full read, its last check against the
  // engine's own counts, and how many full reads those checks started.
  function freshnessDetail(freshness) {
    if (!freshness) return '';
    const parts = [];
    if (freshness.full_read_age_ms !== undefined) parts.push(t('freshness_full_read', { age: formatAge(freshness.full_read_age_ms) }));
    if (freshness.consistency_probe_age_ms !== undefined) parts.push(t('freshness_probe', { age: formatAge(freshness.consistency_probe_age_ms) }));
    if (freshness.consistency_full_reads > 0) parts.push(t('freshness_corrections', { n: formatNumber(freshness.consistency_full_reads) }));
    return parts.length ? el('span', { class: 'freshness-detail' }, parts.join(' · ')) : '';
  }

  function summaryItem(label, value, note) {
    return el('div', { class: 'summary-item' }, el('dt', {}, label), el('dd', {}, el('span', { class: 'summary-value' }, value),
      note ? el('span', { class: 'summary-note' }, note) : ''));
  }

  async function loadListings() {
    try {
      const [vms, hosts, clusters] = await Promise.all(['vms', 'hosts', 'clusters'].map((kind) => api(`/api/v1/${kind}?limit=1`)));
      state.vms = vms.data;
      state.hosts = hosts.data;
      state.clusters = clusters.data;
      state.checkedAt = new Date();
      errors.replaceChildren();
      render();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
    }
  }

  async function loadBackends() {
    try {
      state.backends = (await api('/api/v1/backends')).data;
      render();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
    }
  }

  async function loadJobs() {
    const jobsBody = $('#recent-jobs tbody');
    if (!jobsBody) return;
    const answer = await api('/api/v1/jobs?limit=5');
    jobsBody.replaceChildren(...(answer.data.jobs.length ? answer.data.jobs.map(jobRow)
      : [el('tr', {}, el('td', { colspan: 6 }, t('jobs_none')))]));
  }

  const stops = [repeat(5000, loadListings), repeat(30000, loadBackends), repeat(10000, loadJobs)];
  Auth.onSignIn(() => { loadListings(); loadBackends(); loadJobs(); });
  return () => stops.forEach((stop) => stop());
}
