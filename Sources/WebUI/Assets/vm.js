// One VM: its details, the jobs that touched it, and the actions the signed-in caller may take,
// each shown as its dry run's plan and confirmed before it runs; the job is then followed to its end.

/** One VM as the live model has it: `GET /api/v1/vms/{engine}/{id}`, or found in the engine's listing. */
async function readVM(engine, id) {
  try {
    return (await api(`/api/v1/vms/${encodeURIComponent(engine)}/${encodeURIComponent(id)}`)).data;
  } catch (error) {
    // A server without the route answers not_found (no such route) rather than unknown_vm.
    if (error.status !== 404 || error.code !== 'not_found') throw error;
  }
  let cursor = null;
  do {
    const answer = await api(pageURL('/api/v1/vms', { engine, limit: 1000, cursor }));
    const found = answer.data.items.find((vm) => vm.id === id);
    if (found) return found;
    cursor = answer.data.next_cursor || null;
  } while (cursor);
  throw new APIError(404, { error: { code: 'unknown_vm', message: t('vm_unknown', { engine, id }) } });
}

function vmPage() {
  const parts = window.location.pathname.split('/').filter(Boolean);
  const engine = decodeURIComponent(parts[1] || '');
  const id = decodeURIComponent(parts[2] || '');
  const heading = $('#vm-heading');
  const details = $('#vm-details');
  const errors = $('#vm-errors');
  const actions = $('#vm-actions');
  const confirm = $('#vm-confirm');
  const confirmTitle = $('#vm-confirm-title');
  const confirmStatus = $('#vm-confirm-status');
  const confirmErrors = $('#vm-confirm-errors');
  const plan = $('#vm-plan');
  const force = $('#vm-force');
  const forceField = $('#vm-force-field');
  const nameField = $('#vm-name-field');
  const typedName = $('#vm-confirm-name');
  const run = $('#vm-confirm-run');
  const jobSection = $('#vm-job');
  const jobLine = $('#vm-job-line');
  const jobsBody = $('#vm-jobs tbody');
  let vm = null;
  let gone = false;
  let pending = null;
  let opener = null;
  let following = null;

  function render() {
    heading.textContent = vm.name;
    document.title = `${vm.name} · ${document.title.split(' · ').slice(-1)[0]}`;
    details.replaceChildren(...[
      definition(t('col_status'), el('span', { id: 'vm-status', 'data-status': vm.status }, statusBadge(vm.status))),
      definition(t('col_engine'), vm.engine),
      vm.cluster ? definition(t('col_cluster'), inventoryLink('/clusters', { engine: vm.engine, name: vm.cluster }, vm.cluster)) : [],
      vm.host ? definition(t('col_host'), inventoryLink('/hosts', { engine: vm.engine, name: vm.host }, vm.host)) : [],
      (vm.ip_addresses || []).length ? definition(t('col_ip'), vm.ip_addresses.join(', ')) : [],
      vm.fqdn ? definition(t('vm_fqdn'), vm.fqdn) : [],
      vm.os ? definition(t('vm_os'), vm.os) : [],
      vm.cpus ? definition(t('col_cpus'), formatNumber(vm.cpus)) : [],
      vm.memory_bytes ? definition(t('col_memory'), formatBytes(vm.memory_bytes)) : [],
      definition(t('vm_id'), el('code', {}, vm.id)),
    ].flat());
    details.setAttribute('aria-busy', 'false');
  }

  async function loadVM() {
    try {
      vm = await readVM(engine, id);
      gone = false;
      errors.replaceChildren();
      render();
    } catch (error) {
      if (error.status === 404 && error.code === 'unknown_vm') {
        gone = true;
        heading.textContent = vm ? vm.name : id;
        details.replaceChildren(...definition(t('col_status'), el('span', { id: 'vm-status', 'data-status': 'gone' }, badge('neutral', t('vm_gone')))));
        errors.replaceChildren(el('p', { class: 'banner banner-info', role: 'status' }, t('vm_gone_help', { engine })));
        actions.hidden = true;
      } else {
        errors.replaceChildren(errorBox(error));
      }
    }
  }

  async function loadJobs() {
    try {
      const answer = await api(pageURL('/api/v1/jobs', { vm_id: id, engine, limit: 50 }));
      const jobs = answer.data.jobs;
      jobsBody.replaceChildren(...(jobs.length ? jobs.map(jobRow) : [el('tr', {}, el('td', { colspan: 7, class: 'empty' }, t('jobs_none')))]));
    } catch (error) {
      if (error.status !== 401) jobsBody.replaceChildren(el('tr', {}, el('td', { colspan: 7 }, errorBox(error))));
    }
  }

  async function showActions() {
    try {
      const may = await Permissions.load();
      actions.hidden = gone || !may.operate;
      const remove = actions.querySelector('[data-action="delete"]');
      remove.hidden = !may.delete;
    } catch (error) {
      actions.hidden = true;
    }
  }

  function close() {
    pending = null;
    confirm.hidden = true;
    plan.replaceChildren();
    confirmErrors.replaceChildren();
    run.disabled = true;
    if (opener) opener.focus();
  }

  function readyToRun() {
    if (!pending || !pending.planned) return false;
    if (pending.action === 'delete') return typedName.value === vm.name;
    return true;
  }

  async function dryRun() {
    const action = pending.action;
    pending.planned = null;
    run.disabled = true;
    plan.replaceChildren();
    confirmErrors.replaceChildren();
    confirmStatus.textContent = t('op_checking');
    const request = vmOperationRequest(action, vm, { dryRun: true, force: force.checked, name: vm.name });
    try {
      const answer = await api(request.path, { method: request.method });
      if (!pending || pending.action !== action) return;
      const item = (answer.data.vms || [])[0] || {};
      pending.planned = item;
      plan.replaceChildren(...operationPlanSteps(item).childNodes);
      confirmStatus.textContent = t('op_plan_ready');
    } catch (error) {
      if (!pending || pending.action !== action) return;
      confirmStatus.textContent = t('op_refused');
      confirmErrors.replaceChildren(refusalBox(error));
    }
    run.disabled = !readyToRun();
    announce(confirmStatus.textContent);
  }

  function open(action, button) {
    opener = button;
    pending = { action, planned: null };
    confirm.hidden = false;
    confirmTitle.textContent = t('op_confirm_title', { action: t(`op_${action}`), name: vm.name });
    run.textContent = t('op_confirm_run', { action: t(`op_${action}`) });
    run.classList.toggle('danger', action === 'delete');
    force.checked = false;
    forceField.hidden = !(action === 'shutdown' || (action === 'delete' && vm.status !== 'down'));
    $('#vm-force-label').textContent = action === 'delete' ? t('op_delete_force') : t('op_shutdown_force');
    nameField.hidden = action !== 'delete';
    typedName.value = '';
    $('#vm-confirm-name-label').textContent = t('op_delete_type_name', { name: vm.name });
    confirmTitle.focus();
    dryRun();
  }

  async function execute() {
    if (!readyToRun()) return;
    const action = pending.action;
    const request = vmOperationRequest(action, vm, { force: force.checked, name: action === 'delete' ? typedName.value : null });
    run.disabled = true;
    let job;
    try {
      const answer = await api(request.path, { method: request.method });
      job = answer.data.jobs[0];
    } catch (error) {
      confirmStatus.textContent = t('op_refused');
      confirmErrors.replaceChildren(refusalBox(error));
      run.disabled = !readyToRun();
      return;
    }
    opener = null;
    close();
    follow(job);
  }

  function showJob(job) {
    jobLine.replaceChildren(
      el('a', { href: `/jobs/${encodeURIComponent(job.id)}`, id: 'vm-job-link' }, t('job_heading', { action: t(`action_${job.action}`), target: job.target })),
      ' ', el('span', { class: 'job-state', 'data-state': job.state }, statusBadge(job.state)),
      job.error ? ` ${job.error.message}` : '');
  }

  async function follow(job) {
    if (following) following.abort();
    following = new AbortController();
    const signal = following.signal;
    jobSection.hidden = false;
    showJob(job);
    jobLine.focus();
    loadJobs();
    let finished = null;
    try {
      finished = await followJob(job.id, (now) => { showJob(now); }, signal);
    } catch (error) {
      jobLine.append(' ', errorBox(error));
    }
    if (!finished) return;
    // A job is recorded final only once the live model re-read its VM, so this read shows its result.
    await loadVM();
    await loadJobs();
    announce(gone ? t('op_done_gone', { state: t(`status_${finished.state}`) })
      : t('op_done_status', { state: t(`status_${finished.state}`), status: STRINGS[`status_${vm.status}`] || vm.status }));
  }

  for (const button of actions.querySelectorAll('button[data-action]')) {
    button.addEventListener('click', () => { if (vm && !gone) open(button.dataset.action, button); });
  }
  force.addEventListener('change', () => { if (pending) dryRun(); });
  typedName.addEventListener('input', () => { run.disabled = !readyToRun(); });
  $('#vm-confirm-form').addEventListener('submit', (event) => { event.preventDefault(); execute(); });
  $('#vm-confirm-cancel').addEventListener('click', close);
  confirm.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });

  async function start() {
    await loadVM();
    await Promise.all([loadJobs(), vm ? showActions() : null]);
  }
  Auth.onSignIn(start);
  start();
  return () => { if (following) following.abort(); };
}
