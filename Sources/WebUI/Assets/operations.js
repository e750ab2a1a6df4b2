// VM operations: what the signed-in caller may do, dry runs and their plans, following jobs to
// their end, and the VM table's bulk actions. Every change goes through /api/v1 as curl would send it.

const POWER_ACTIONS = ['start', 'stop', 'shutdown', 'reboot', 'suspend'];
const JSON_HEADERS = { 'Content-Type': 'application/json' };

/**
 * What the signed-in caller may do: `{ operate, delete }`, asked once a page and again after a
 * sign-in, as the server says it at `GET /api/v1/whoami` (`may.operate`, `may.delete`).
 */
const Permissions = {
  promise: null,
  load() {
    if (!this.promise) {
      this.promise = this.ask().then((may) => {
        // Says what the page found, for tests and styles: `none`, `operate` or `operate delete`.
        body.dataset.may = may.operate ? (may.delete ? 'operate delete' : 'operate') : 'none';
        return may;
      }).catch((error) => { this.promise = null; throw error; });
    }
    return this.promise;
  },
  reset() { this.promise = null; },
  async ask() {
    const answer = await api('/api/v1/whoami');
    const may = (answer.data && answer.data.may) || {};
    return { operate: may.operate === true, delete: may.delete === true };
  },
};
Auth.onSignIn(() => Permissions.reset());

function pause(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

/** The request for `action` on one VM: `POST …/{action}` or `DELETE …?name=`, with `dry_run` and `force`. */
function vmOperationRequest(action, vm, { dryRun = false, force = false, name = null } = {}) {
  const base = `/api/v1/vms/${encodeURIComponent(vm.engine)}/${encodeURIComponent(vm.id)}`;
  const query = { dry_run: dryRun ? 'true' : null, force: force ? 'true' : null };
  if (action === 'delete') return { method: 'DELETE', path: pageURL(base, Object.assign({ name }, query)) };
  return { method: 'POST', path: pageURL(`${base}/${action}`, query) };
}

/** The steps of one VM's plan from a dry run, each marked as to be done or already done. */
function operationPlanSteps(item) {
  const steps = (item.plan && item.plan.steps) || [];
  const list = el('ol', { class: 'plan-steps' }, steps.map((step) => el('li', { 'data-step': step.name },
    badge(step.already_done ? 'neutral' : 'ok', step.already_done ? t('op_step_already') : t('op_step_will')), ' ', step.description)));
  if (item.existing_job) {
    list.append(el('li', {}, t('op_done_by_job'), ' ', el('a', { href: `/jobs/${encodeURIComponent(item.existing_job.id)}` }, item.existing_job.id)));
  }
  return list;
}

/** The API's refusal with each problem it listed (`issues`: path and message). */
function refusalBox(error) {
  const box = errorBox(error);
  const issues = (error.body && error.body.issues) || [];
  if (issues.length) {
    box.append(el('ul', { class: 'issues' }, issues.map((issue) => el('li', {},
      issue.path ? el('code', {}, issue.path) : '', issue.path ? ': ' : '', issue.message, issue.fix ? ` (${issue.fix})` : ''))));
  }
  return box;
}

/**
 * Follows job `id` until it ends, calling `onChange(job)` with each new state. After the first
 * read every request waits on the server until the job changes (`?wait=&revision=`): no polling.
 * Resolves with the finished job, or null when `signal` aborts.
 */
async function followJob(id, onChange, signal) {
  let revision = null;
  for (;;) {
    if (signal && signal.aborted) return null;
    const follow = revision === null ? '' : `?wait=25&revision=${revision}`;
    let job;
    try {
      job = (await api(`/api/v1/jobs/${encodeURIComponent(id)}${follow}`, { signal })).data;
    } catch (error) {
      if (error.name === 'AbortError') return null;
      if (error.status === 404) throw error;
      revision = null;
      await pause(2000);
      continue;
    }
    onChange(job);
    if (FINAL_STATES.includes(job.state)) return job;
    revision = job.revision || 0;
  }
}

/**
 * The VM table's bulk actions: choose VMs (or every VM matching the search), an action, read the
 * dry run's list of exactly the VMs it would touch, confirm, and follow one job per VM.
 *
 * `hooks.selected()` gives the checked VMs (`{engine, id, name}`), `hooks.query()` the search as
 * listing filters, `hooks.done()` is called when every job ended.
 */
function bulkPanel(hooks) {
  const section = $('#bulk');
  if (!section) return null;
  const action = $('#bulk-action');
  const all = $('#bulk-all');
  const count = $('#bulk-count');
  const review = $('#bulk-review');
  const confirm = $('#bulk-confirm');
  const title = $('#bulk-confirm-title');
  const errors = $('#bulk-errors');
  const plan = $('#bulk-plan tbody');
  const forceField = $('#bulk-force-field');
  const force = $('#bulk-force');
  const typedField = $('#bulk-typed-field');
  const typed = $('#bulk-typed');
  const run = $('#bulk-run');
  const jobsWrap = $('#bulk-jobs-wrap');
  const jobsBody = $('#bulk-jobs tbody');
  const jobsSummary = $('#bulk-jobs-summary');
  let planned = null;
  let permissions = { operate: false, delete: false };
  let controller = null;

  function selection() {
    return all.checked ? { query: hooks.query() } : { vms: hooks.selected() };
  }

  function update() {
    const chosen = hooks.selected().length;
    count.textContent = all.checked ? t('bulk_all_matching_chosen') : t('bulk_selected', { n: formatNumber(chosen) });
    review.disabled = !all.checked && chosen === 0;
  }

  function close() {
    planned = null;
    confirm.hidden = true;
    errors.replaceChildren();
    plan.replaceChildren();
    run.disabled = true;
  }

  function readyToRun() {
    if (!planned || !planned.vms.length) return false;
    if (planned.action === 'delete') return typed.value.trim() === String(planned.vms.length);
    return true;
  }

  async function dryRun() {
    const chosen = action.value;
    const body = Object.assign({ action: chosen }, selection());
    if (force.checked && (chosen === 'delete' || chosen === 'shutdown')) body.force = true;
    confirm.hidden = false;
    planned = null;
    run.disabled = true;
    errors.replaceChildren();
    plan.replaceChildren();
    title.textContent = t('bulk_checking', { action: t(`op_${chosen}`) });
    forceField.hidden = !(chosen === 'delete' || chosen === 'shutdown');
    $('#bulk-force-label').textContent = chosen === 'delete' ? t('op_delete_force') : t('op_shutdown_force');
    typedField.hidden = true;
    title.focus();
    try {
      const answer = await api('/api/v1/vms/actions?dry_run=true', { method: 'POST', body: JSON.stringify(body), headers: JSON_HEADERS });
      planned = { action: chosen, force: body.force === true, vms: answer.data.vms || [] };
      title.textContent = t('bulk_confirm_title', { action: t(`op_${chosen}`), n: formatNumber(planned.vms.length) });
      plan.replaceChildren(...planned.vms.map((vm) => el('tr', { 'data-engine': vm.engine, 'data-id': vm.id },
        el('th', { scope: 'row' }, el('a', { href: `/vms/${encodeURIComponent(vm.engine)}/${encodeURIComponent(vm.id)}` }, vm.name || vm.id)),
        el('td', {}, vm.engine),
        el('td', {}, vm.status ? statusBadge(vm.status) : ''),
        el('td', {}, operationPlanSteps(vm)))));
      if (chosen === 'delete') {
        typedField.hidden = false;
        typed.value = '';
        $('#bulk-typed-label').textContent = t('bulk_delete_type_count', { n: planned.vms.length });
      }
      run.textContent = t('bulk_run', { action: t(`op_${chosen}`), n: formatNumber(planned.vms.length) });
      run.disabled = !readyToRun();
      announce(title.textContent);
    } catch (error) {
      title.textContent = t('bulk_refused', { action: t(`op_${chosen}`) });
      errors.replaceChildren(refusalBox(error));
      announce(title.textContent);
    }
  }

  async function execute() {
    if (!readyToRun()) return;
    const chosen = planned;
    run.disabled = true;
    const body = { action: chosen.action, vms: chosen.vms.map((vm) => ({ engine: vm.engine, id: vm.id, name: vm.name })) };
    if (chosen.force) body.force = true;
    let jobs;
    try {
      const answer = await api('/api/v1/vms/actions', { method: 'POST', body: JSON.stringify(body), headers: JSON_HEADERS });
      jobs = answer.data.jobs;
    } catch (error) {
      errors.replaceChildren(refusalBox(error));
      run.disabled = !readyToRun();
      return;
    }
    close();
    jobsWrap.hidden = false;
    jobsBody.replaceChildren(...jobs.map(jobRow));
    jobsSummary.textContent = t('bulk_jobs_following', { n: formatNumber(jobs.length) });
    jobsSummary.focus();
    if (controller) controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    const finished = await Promise.all(jobs.map((job) => followJob(job.id, (now) => {
      const row = jobsBody.querySelector(`tr[data-job="${CSS.escape(now.id)}"]`);
      if (row) row.replaceWith(jobRow(now));
    }, signal).catch(() => null)));
    if (signal.aborted) return;
    const succeeded = finished.filter((job) => job && job.state === 'succeeded');
    jobsSummary.textContent = t('bulk_jobs_done', { succeeded: formatNumber(succeeded.length), failed: formatNumber(jobs.length - succeeded.length) });
    announce(jobsSummary.textContent);
    // A job is recorded final only once the live model re-read its VM: the table, read again, shows it.
    if (!signal.aborted) hooks.done();
  }

  action.addEventListener('change', () => { close(); update(); });
  all.addEventListener('change', () => { close(); update(); hooks.changed(); });
  review.addEventListener('click', dryRun);
  force.addEventListener('change', dryRun);
  typed.addEventListener('input', () => { run.disabled = !readyToRun(); });
  $('#bulk-confirm-form').addEventListener('submit', (event) => { event.preventDefault(); execute(); });
  $('#bulk-cancel').addEventListener('click', () => { close(); review.focus(); });
  confirm.addEventListener('keydown', (event) => { if (event.key === 'Escape') { close(); review.focus(); } });

  return {
    /** Shows the panel when the caller may operate; delete is offered only when allowed. */
    enable(may) {
      permissions = may;
      section.hidden = !may.operate;
      const remove = action.querySelector('option[value="delete"]');
      if (remove) { remove.hidden = !may.delete; remove.disabled = !may.delete; }
      update();
    },
    get enabled() { return permissions.operate; },
    get allMatching() { return all.checked; },
    /** The selection or the search changed. */
    changed() { close(); update(); },
  };
}
