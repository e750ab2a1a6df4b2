// VMs, hosts and clusters: one table across every engine, filtered and paged by the server.

const IP_PATTERN = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-f]*:[0-9a-f:.]+$/i;

/** A link to another view of the inventory, or the bare text when there is nothing to link. */
function inventoryLink(path, params, text) {
  if (!text) return '';
  return el('a', { href: pageURL(path, params) }, text);
}

const INVENTORY_KINDS = {
  vms: {
    filters: { cluster: 'cluster', host: 'host', status: 'status' },
    columns: [
      { key: 'name', label: 'col_name', cell: (vm) => el('a', { class: 'name', title: vm.fqdn || null, href: vmPageURL(vm) }, vm.name) },
      { key: 'engine', label: 'col_engine', cell: (vm) => vm.engine },
      { key: 'cluster', label: 'col_cluster', cell: (vm) => inventoryLink('/clusters', { engine: vm.engine, name: vm.cluster }, vm.cluster) },
      { key: 'host', label: 'col_host', cell: (vm) => inventoryLink('/hosts', { engine: vm.engine, name: vm.host }, vm.host) },
      { key: 'status', label: 'col_status', cell: (vm) => statusBadge(vm.status) },
      { key: 'ip_addresses', label: 'col_ip', cell: (vm) => (vm.ip_addresses || []).join(', '), sortValue: (vm) => (vm.ip_addresses || [''])[0] },
      { key: 'cpus', label: 'col_cpus', numeric: true, cell: (vm) => formatNumber(vm.cpus) },
      { key: 'memory_bytes', label: 'col_memory', numeric: true, cell: (vm) => formatBytes(vm.memory_bytes) },
    ],
  },
  hosts: {
    filters: { cluster: 'cluster', status: 'status' },
    columns: [
      { key: 'name', label: 'col_name', cell: (host) => el('span', { class: 'name' }, host.name) },
      { key: 'engine', label: 'col_engine', cell: (host) => host.engine },
      { key: 'cluster', label: 'col_cluster', cell: (host) => inventoryLink('/clusters', { engine: host.engine, name: host.cluster }, host.cluster) },
      { key: 'status', label: 'col_status', cell: (host) => statusBadge(host.status) },
      { key: 'address', label: 'col_address', cell: (host) => host.address || '' },
      { key: 'cpu_threads', label: 'col_threads', numeric: true, cell: (host) => formatNumber(host.cpu_threads || host.cpu_cores) },
      { key: 'memory_bytes', label: 'col_memory', numeric: true, cell: (host) => formatBytes(host.memory_bytes) },
      { key: 'vm_count', label: 'col_vm_count', numeric: true, cell: (host) => inventoryLink('/vms', { engine: host.engine, host: host.name }, formatNumber(host.vm_count ?? '')) || '' },
    ],
  },
  clusters: {
    filters: {},
    columns: [
      { key: 'name', label: 'col_name', cell: (cluster) => el('span', { class: 'name' }, cluster.name) },
      { key: 'engine', label: 'col_engine', cell: (cluster) => cluster.engine },
      { key: 'data_center', label: 'col_data_center', cell: (cluster) => cluster.data_center || '' },
      { key: 'version', label: 'col_version', cell: (cluster) => cluster.version || '' },
      { key: 'cpu_type', label: 'col_cpu_type', cell: (cluster) => cluster.cpu_type || '' },
      { key: 'host_count', label: 'col_host_count', numeric: true, cell: (cluster) => inventoryLink('/hosts', { engine: cluster.engine, cluster: cluster.name }, formatNumber(cluster.host_count ?? '')) },
      { key: 'vm_count', label: 'col_vm_count', numeric: true, cell: (cluster) => inventoryLink('/vms', { engine: cluster.engine, cluster: cluster.name }, formatNumber(cluster.vm_count ?? '')) },
    ],
  },
};

/** The address of a VM's own page. */
function vmPageURL(vm) {
  return `/vms/${encodeURIComponent(vm.engine)}/${encodeURIComponent(vm.id)}`;
}

/** The API query for the page's address: `q` is an IP address (VMs) or part of a name. */
function inventoryQuery(kind, params) {
  // At most 200 rows a page, whatever the address says: the page never asks for the whole estate.
  const limit = Math.min(200, Math.max(1, parseInt(params.get('limit'), 10) || 50));
  const query = { limit: String(limit) };
  const search = (params.get('q') || '').trim();
  if (search) {
    if (kind === 'vms' && IP_PATTERN.test(search)) query.ip = search;
    else query.name = search;
  }
  if (params.get('name')) query.name_exact = params.get('name');
  if (params.get('engine')) query.engine = params.get('engine');
  for (const [param, apiParam] of Object.entries(INVENTORY_KINDS[kind].filters)) {
    if (params.get(param)) query[apiParam] = params.get(param);
  }
  if (params.get('cursor')) query.cursor = params.get('cursor');
  return query;
}

function inventoryPage(kind) {
  const config = INVENTORY_KINDS[kind];
  const form = $('#filters');
  const table = $('#inventory-table');
  const tbody = table.querySelector('tbody');
  const summary = $('#result-summary');
  const warnings = $('#engine-warnings');
  const prev = $('#page-prev');
  const next = $('#page-next');
  const first = $('#page-first');
  const path = window.location.pathname;
  let controller = null;
  let current = { items: [], nextCursor: null };
  // The VMs checked for a bulk action, by engine and id, kept while the same rows are shown.
  const checked = new Map();
  const vmKey = (vm) => `${vm.engine}\u0000${vm.id}`;
  const bulk = kind === 'vms' ? bulkPanel({
    selected: () => [...checked.values()],
    query: () => {
      const query = inventoryQuery(kind, params());
      delete query.limit;
      delete query.cursor;
      return query;
    },
    changed: () => renderRows(),
    done: () => load(),
  }) : null;
  const selectPage = el('input', { type: 'checkbox', id: 'select-page', 'aria-label': t('bulk_select_page') });
  selectPage.addEventListener('change', () => {
    for (const vm of current.items) {
      if (selectPage.checked) checked.set(vmKey(vm), { engine: vm.engine, id: vm.id, name: vm.name });
      else checked.delete(vmKey(vm));
    }
    renderRows();
    bulk.changed();
  });
  const selecting = () => bulk !== null && bulk.enabled;

  table.querySelector('thead tr').replaceChildren(...config.columns.map((column) => el('th',
    { scope: 'col', 'data-key': column.key, 'aria-sort': 'none', class: column.numeric ? 'num' : null },
    el('button', { type: 'button', class: 'sort' }, t(column.label)))));

  function params() { return new URLSearchParams(window.location.search); }

  function fillForm() {
    const p = params();
    for (const element of form.elements) {
      if (element.name && element.name !== 'lang') element.value = p.get(element.name) || (element.name === 'limit' ? '50' : '');
    }
  }

  function formParams() {
    const values = {};
    for (const element of form.elements) {
      if (element.name && element.value) values[element.name] = element.value.trim();
    }
    if (values.limit === '50') delete values.limit;
    const keep = params();
    for (const name of ['name', 'sort', 'dir']) if (keep.get(name)) values[name] = keep.get(name);
    return values;
  }

  function go(values, { replace = false, stack = [] } = {}) {
    const url = pageURL(path, values);
    if (replace) window.history.replaceState({ stack }, '', url);
    else window.history.pushState({ stack }, '', url);
    updateLanguageLinks();
    load();
  }

  function sortItems(items) {
    const p = params();
    const key = p.get('sort');
    for (const th of table.querySelectorAll('thead th[data-key]')) {
      th.setAttribute('aria-sort', th.dataset.key === key ? (p.get('dir') === 'desc' ? 'descending' : 'ascending') : 'none');
    }
    const column = config.columns.find((c) => c.key === key);
    if (!column) return items;
    const value = column.sortValue || ((item) => item[key]);
    const direction = p.get('dir') === 'desc' ? -1 : 1;
    const collator = new Intl.Collator(LANG, { numeric: true, sensitivity: 'base' });
    return [...items].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (column.numeric) return direction * ((x ?? -Infinity) - (y ?? -Infinity));
      return direction * collator.compare(String(x ?? ''), String(y ?? ''));
    });
  }

  function selectCell(item) {
    const box = el('input', {
      type: 'checkbox', class: 'row-select', checked: checked.has(vmKey(item)), disabled: bulk.allMatching,
      'aria-label': t('bulk_select_vm', { name: item.name, engine: item.engine }),
    });
    box.addEventListener('change', () => {
      if (box.checked) checked.set(vmKey(item), { engine: item.engine, id: item.id, name: item.name });
      else checked.delete(vmKey(item));
      syncSelectPage();
      bulk.changed();
    });
    return el('td', { class: 'select' }, box);
  }

  function syncSelectPage() {
    const head = table.querySelector('thead tr');
    if (!selecting()) { selectPage.parentElement?.remove(); return; }
    if (!selectPage.parentElement) head.prepend(el('th', { class: 'select', scope: 'col' }, selectPage));
    const onPage = current.items.filter((vm) => checked.has(vmKey(vm))).length;
    selectPage.checked = onPage > 0 && onPage === current.items.length;
    selectPage.indeterminate = onPage > 0 && onPage < current.items.length;
    selectPage.disabled = bulk.allMatching || !current.items.length;
  }

  function renderRows() {
    const items = sortItems(current.items);
    const select = selecting();
    syncSelectPage();
    if (!items.length) {
      tbody.replaceChildren(el('tr', {}, el('td', { colspan: config.columns.length + (select ? 1 : 0), class: 'empty' }, t('no_matches'))));
      return;
    }
    tbody.replaceChildren(...items.map((item) => el('tr', { 'data-engine': item.engine, 'data-id': item.id },
      select ? selectCell(item) : null,
      config.columns.map((column, index) => el(index === 0 ? 'th' : 'td',
        { class: column.numeric ? 'num' : null, scope: index === 0 ? 'row' : null }, column.cell(item))))));
  }

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const p = params();
    const stack = (window.history.state && window.history.state.stack) || [];
    $('#exact-filter').hidden = !p.get('name');
    $('#exact-filter-value').textContent = p.get('name') || '';
    table.setAttribute('aria-busy', 'true');
    summary.textContent = t('loading');
    try {
      // What the caller may do is asked alongside the first listing, so the rows are drawn once,
      // with their checkboxes when the caller may operate.
      const [answer, may] = await Promise.all([
        api(pageURL(`/api/v1/${kind}`, inventoryQuery(kind, p)), { signal: controller.signal }),
        bulk ? Permissions.load().catch(() => null) : null,
      ]);
      if (may) bulk.enable(may);
      const data = answer.data;
      current = { items: data.items, nextCursor: data.next_cursor || null };
      checked.clear();
      renderRows();
      if (bulk) bulk.changed();
      const offset = p.get('cursor') ? (stack.length ? stack[stack.length - 1].offset : null) : 0;
      if (data.count === 0) summary.textContent = t('summary_none');
      else if (offset === null) summary.textContent = t('summary_from_here', { count: formatNumber(data.count), total: formatNumber(data.total) });
      else summary.textContent = t('summary_range', { from: formatNumber(offset + 1), to: formatNumber(offset + data.count), total: formatNumber(offset + data.total) });
      warnings.replaceChildren(...statusProblems(data.engines).map((problem) => el('p', { class: 'banner banner-warning', role: 'status' },
        el('strong', {}, problem.engine), ': ', t(`engine_${problem.state}_listing`),
        problem.ageMs !== undefined && problem.ageMs !== null ? ` (${t('data_from', { age: formatAge(problem.ageMs) })})` : '',
        problem.message ? ` — ${problem.message}` : '')));
      next.disabled = !current.nextCursor;
      prev.disabled = !p.get('cursor');
      first.hidden = !p.get('cursor');
    } catch (error) {
      if (error.name === 'AbortError') return;
      current = { items: [], nextCursor: null };
      tbody.replaceChildren();
      summary.textContent = '';
      warnings.replaceChildren(errorBox(error));
      next.disabled = true;
    } finally {
      table.setAttribute('aria-busy', 'false');
    }
  }

  let typing = null;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typing);
    go(formParams());
  });
  for (const select of form.querySelectorAll('select')) {
    select.addEventListener('change', () => go(formParams()));
  }
  const search = $('#f-q');
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      // Searches as the reader types, unless the address already holds this search.
      if ((params().get('q') || '') !== search.value.trim()) go(formParams(), { replace: true });
    }, 350);
  });

  next.addEventListener('click', () => {
    clearTimeout(typing);
    if (!current.nextCursor) return;
    const p = params();
    const stack = (window.history.state && window.history.state.stack) || [];
    const offset = p.get('cursor') ? (stack.length ? stack[stack.length - 1].offset : null) : 0;
    const values = Object.fromEntries(p);
    values.cursor = current.nextCursor;
    const entry = { cursor: current.nextCursor, previous: p.get('cursor') || null, offset: offset === null ? null : offset + current.items.length };
    go(values, { stack: [...stack, entry] });
    table.focus();
  });
  prev.addEventListener('click', () => {
    const stack = (window.history.state && window.history.state.stack) || [];
    const values = Object.fromEntries(params());
    const top = stack[stack.length - 1];
    if (top && top.previous) values.cursor = top.previous;
    else delete values.cursor;
    go(values, { stack: stack.slice(0, -1) });
    table.focus();
  });
  first.addEventListener('click', () => {
    const values = Object.fromEntries(params());
    delete values.cursor;
    go(values);
  });

  $('#exact-filter-clear').addEventListener('click', () => {
    const values = formParams();
    delete values.name;
    go(values);
    search.focus();
  });

  for (const th of table.querySelectorAll('thead th[data-key]')) {
    const button = th.querySelector('button');
    if (!button) continue;
    button.addEventListener('click', () => {
      const values = Object.fromEntries(params());
      const same = values.sort === th.dataset.key;
      values.sort = th.dataset.key;
      values.dir = same && values.dir !== 'desc' ? 'desc' : 'asc';
      window.history.replaceState(window.history.state, '', pageURL(path, values));
      updateLanguageLinks();
      renderRows();
      announce(t('sorted_by', { column: button.textContent.trim() }));
    });
  }

  window.addEventListener('popstate', () => { fillForm(); updateLanguageLinks(); load(); });
  fillForm();
  fillEngineSelect($('#f-engine'), params().get('engine')).catch(() => {});
  Auth.onSignIn(() => { fillEngineSelect($('#f-engine'), params().get('engine')).catch(() => {}); load(); });
  const stopWatch = watchEstate();
  load();
  return stopWatch;
}
