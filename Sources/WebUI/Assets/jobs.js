// Jobs: the filterable list, and one job's steps as a timeline that follows a running job.

const FINAL_STATES = ['succeeded', 'failed', 'interrupted'];

function jobDuration(job) {
  if (!job.started_at) return '';
  const end = job.finished_at ? new Date(job.finished_at) : new Date();
  return formatDuration(end - new Date(job.started_at));
}

/** One row of a jobs table. */
function jobRow(job) {
  return el('tr', { 'data-job': job.id, 'data-state': job.state },
    el('td', {}, timeElement(job.created_at)),
    el('th', { scope: 'row' }, el('a', { href: `/jobs/${encodeURIComponent(job.id)}`, 'aria-label': t('job_link_label', { target: job.target, id: job.id }) }, job.target)),
    el('td', {}, t(`action_${job.action}`)),
    el('td', {}, job.engine),
    el('td', {}, job.document_num),
    el('td', { class: 'job-state' }, statusBadge(job.state)),
    el('td', { class: 'num' }, jobDuration(job)));
}

function jobsPage() {
  const form = $('#job-filters');
  const tbody = $('#jobs-table tbody');
  const summary = $('#jobs-summary');
  const errors = $('#jobs-errors');

  function params() { return new URLSearchParams(window.location.search); }

  function fillForm() {
    const p = params();
    for (const element of form.elements) {
      if (element.name) element.value = p.get(element.name) || (element.name === 'limit' ? '50' : '');
    }
  }

  function go() {
    const values = {};
    for (const element of form.elements) if (element.name && element.value.trim()) values[element.name] = element.value.trim();
    if (values.limit === '50') delete values.limit;
    window.history.pushState(null, '', pageURL('/jobs', values));
    updateLanguageLinks();
    load();
  }

  async function load() {
    const p = params();
    const query = { limit: p.get('limit') || '50' };
    for (const name of ['state', 'engine', 'document_num']) if (p.get(name)) query[name] = p.get(name);
    try {
      const answer = await api(pageURL('/api/v1/jobs', query));
      const jobs = answer.data.jobs;
      tbody.replaceChildren(...(jobs.length ? jobs.map(jobRow) : [el('tr', {}, el('td', { colspan: 7, class: 'empty' }, t('jobs_none')))]));
      summary.textContent = t('jobs_count', { n: formatNumber(jobs.length) });
      errors.replaceChildren();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
    }
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); go(); });
  for (const select of form.querySelectorAll('select')) select.addEventListener('change', go);
  window.addEventListener('popstate', () => { fillForm(); updateLanguageLinks(); load(); });
  fillForm();
  fillEngineSelect($('#j-engine'), params().get('engine')).catch(() => {});
  Auth.onSignIn(load);
  const stop = repeat(3000, load);
  return stop;
}

function definition(term, ...value) {
  return [el('dt', {}, term), el('dd', {}, ...value)];
}

function jobPage() {
  const id = decodeURIComponent(window.location.pathname.split('/').filter(Boolean)[1] || '');
  const heading = $('#job-heading');
  const details = $('#job-details');
  const timeline = $('#job-timeline');
  const plan = $('#job-plan');
  const errors = $('#job-errors');
  let lastState = null;
  let stop = null;

  function renderStep(step) {
    const ids = Object.entries(step.engine_ids || {});
    const finished = step.finished_at ? new Date(step.finished_at) : null;
    return el('li', { class: `step step-${step.state}`, 'data-step': step.name, 'data-state': step.state },
      el('div', { class: 'step-head' }, statusBadge(step.state), ' ', el('strong', {}, step.description), ' ', el('code', {}, step.name)),
      el('p', { class: 'step-times' }, t('step_started'), ' ', timeElement(step.started_at, true),
        finished ? [' · ', t('step_finished'), ' ', timeElement(step.finished_at, true), ' · ', formatDuration(finished - new Date(step.started_at))] : ''),
      step.detail ? el('p', { class: 'step-detail' }, step.detail) : '',
      ids.length ? el('dl', { class: 'engine-ids' }, ids.map(([name, value]) => definition(name, el('code', {}, value))).flat()) : '',
      step.error ? el('div', { class: 'fault' }, el('p', {}, el('strong', {}, t('step_fault'))), el('pre', {}, step.error)) : '');
  }

  function render(job) {
    heading.textContent = t('job_heading', { action: t(`action_${job.action}`), target: job.target });
    document.title = `${job.target} · ${document.title.split(' · ').slice(-1)[0]}`;
    const meta = job.meta || {};
    details.replaceChildren(...[
      definition(t('col_state'), statusBadge(job.state), job.error ? ` ${job.error.message}` : ''),
      definition(t('col_engine'), `${job.engine} (${job.kind})`),
      definition(t('col_document'), job.document_num),
      meta.inf_system ? definition(t('meta_inf_system'), meta.inf_system) : [],
      meta.owner ? definition(t('meta_owner'), meta.owner) : [],
      meta.environment ? definition(t('meta_environment'), meta.environment) : [],
      definition(t('job_created'), timeElement(job.created_at)),
      job.started_at ? definition(t('job_started'), timeElement(job.started_at)) : [],
      job.finished_at ? definition(t('job_finished'), timeElement(job.finished_at)) : [],
      job.started_at ? definition(t('col_duration'), jobDuration(job)) : [],
      job.result ? definition(t('job_result'), job.result.summary) : [],
      job.result ? Object.entries(job.result.engine_ids || {}).map(([name, value]) => definition(name, el('code', {}, value))).flat() : [],
      definition(t('job_id'), el('code', {}, job.id)),
    ].flat());
    const steps = job.steps || [];
    timeline.replaceChildren(...(steps.length ? steps.map(renderStep) : [el('li', { class: 'empty' }, t('job_no_steps'))]));
    const planned = (job.plan && job.plan.steps) || [];
    // A create's done step found the thing made; an operation's found the VM already so.
    const operation = job.action !== 'create_vm' && job.action.endsWith('_vm');
    plan.replaceChildren(...planned.map((step) => el('li', {},
      badge(step.already_done ? 'neutral' : 'ok', step.already_done ? t(operation ? 'op_step_already' : 'plan_exists')
        : t(operation ? 'op_step_will' : 'plan_will_create')), ' ', step.description)));
    if (lastState !== null && lastState !== job.state) announce(t('job_state_now', { state: t(`status_${job.state}`) }));
    lastState = job.state;
    $('#job-live').textContent = FINAL_STATES.includes(job.state) ? '' : t('job_following');
  }

  // After the first read, each request waits on the server until the job changes (whichever
  // replica runs it) and answers at once when it does: no polling.
  let revision = null;
  async function load() {
    const follow = revision === null ? '' : `?wait=25&revision=${revision}`;
    try {
      const answer = await api(`/api/v1/jobs/${encodeURIComponent(id)}${follow}`);
      errors.replaceChildren();
      render(answer.data);
      revision = answer.data.revision || 0;
      if (FINAL_STATES.includes(answer.data.state) && stop) stop();
    } catch (error) {
      errors.replaceChildren(errorBox(error));
      if (error.status === 404 && stop) stop();
      revision = null;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  Auth.onSignIn(() => { revision = null; return load(); });
  stop = repeat(50, load);
  return () => stop();
}
