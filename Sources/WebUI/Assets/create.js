// Create: a seed file (uploaded or pasted) checked with a dry run, then submitted; its jobs followed.

/** The endpoint a document is meant for, from its shape: the seed's per-kind files or /api/v1/vms. */
function detectEndpoint(text, kinds) {
  let document;
  try { document = JSON.parse(text); } catch (error) { return null; }
  const items = Array.isArray(document) ? document : [document];
  const item = items.find((entry) => entry && typeof entry === 'object' && !Array.isArray(entry));
  if (!item) return null;
  const kind = kinds.find((name) => Object.prototype.hasOwnProperty.call(item, name));
  const seedAction = 'vm' in item ? 'create_vm' : 'create_vlan';
  if (kind) return `/${kind}/${seedAction}`;
  if (('vm' in item || 'vlan' in item) && kinds.length) return `/${kinds[0]}/${seedAction}`;
  if ('engine' in item && 'name' in item) return '/api/v1/vms';
  return null;
}

/** The offset in `text` of a 1-based line and column (columns count characters). */
function textOffset(text, line, column) {
  const lines = text.split('\n');
  let offset = 0;
  for (let index = 0; index < Math.min(line - 1, lines.length); index += 1) offset += lines[index].length + 1;
  return Math.min(text.length, offset + Math.max(0, (column || 1) - 1));
}

function createPage() {
  const form = $('#create-form');
  const fileInput = $('#create-file');
  const textArea = $('#create-text');
  const endpointSelect = $('#create-endpoint');
  const detected = $('#create-detected');
  const submitButton = $('#create-submit');
  const result = $('#create-result');
  let loadedFile = null;
  let loadedText = null;
  let checkedText = null;
  let checkedEndpoint = null;
  let kinds = [];

  function loadEndpoints() {
    configuredEngines().then((engines) => {
      if (kinds.length) return;
      kinds = [...new Set(engines.map((engine) => engine.kind))].sort();
      for (const kind of kinds) {
        endpointSelect.append(
          el('option', { value: `/${kind}/create_vm` }, t('endpoint_create_vm', { kind })),
          el('option', { value: `/${kind}/create_vlan` }, t('endpoint_create_vlan', { kind })));
      }
      endpointSelect.append(el('option', { value: '/api/v1/vms' }, t('endpoint_api_vms')));
      showDetected();
    }).catch((error) => result.replaceChildren(errorBox(error)));
  }
  loadEndpoints();
  Auth.onSignIn(() => { result.replaceChildren(); loadEndpoints(); });

  function endpoint() {
    if (endpointSelect.value !== 'auto') return endpointSelect.value;
    return detectEndpoint(textArea.value, kinds) || (kinds.length ? `/${kinds[0]}/create_vm` : '/api/v1/vms');
  }

  function showDetected() {
    const found = textArea.value.trim() ? detectEndpoint(textArea.value, kinds) : null;
    detected.textContent = found ? t('create_detected', { endpoint: `POST ${found}` }) : '';
  }

  function invalidateCheck() {
    if (checkedText !== null && (textArea.value !== checkedText || endpoint() !== checkedEndpoint)) {
      checkedText = null;
      submitButton.disabled = true;
    }
  }

  function requestBody(target) {
    if (target === '/api/v1/vms') {
      return { body: textArea.value, headers: { 'Content-Type': 'application/json' } };
    }
    const data = new FormData();
    const unchanged = loadedFile && textArea.value === loadedText;
    data.append('jsonfile', unchanged ? loadedFile : new Blob([textArea.value], { type: 'application/json' }),
      unchanged ? loadedFile.name : 'request.json');
    return { body: data, headers: {} };
  }

  fileInput.addEventListener('change', () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      loadedFile = file;
      loadedText = String(reader.result);
      textArea.value = loadedText;
      showDetected();
      invalidateCheck();
      announce(t('create_file_loaded', { name: file.name }));
    };
    reader.readAsText(file);
  });
  textArea.addEventListener('input', () => { showDetected(); invalidateCheck(); });
  endpointSelect.addEventListener('change', invalidateCheck);

  function goTo(line, column) {
    const offset = textOffset(textArea.value, line, column);
    textArea.focus();
    textArea.setSelectionRange(offset, Math.min(textArea.value.length, offset + 1));
    const lineHeight = parseFloat(getComputedStyle(textArea).lineHeight) || 18;
    textArea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  function excerpt(line, column) {
    const text = textArea.value.split('\n')[line - 1];
    if (text === undefined) return '';
    const number = `${line} | `;
    return el('pre', { class: 'excerpt', 'aria-hidden': 'true' },
      number + text + '\n' + ' '.repeat(number.length + Math.max(0, (column || 1) - 1)) + '^');
  }

  function renderIssues(error) {
    const issues = (error.body && error.body.issues) || [];
    const list = el('ol', { class: 'issues' }, issues.map((issue) => {
      const where = issue.line ? t('issue_at', { line: issue.line, column: issue.column || 1 }) : t('issue_no_position');
      return el('li', { class: 'issue', 'data-line': issue.line || '', 'data-column': issue.column || '' },
        issue.line ? el('button', { type: 'button', class: 'link issue-position', onclick: () => goTo(issue.line, issue.column) }, where)
          : el('span', { class: 'issue-position' }, where),
        ' ', issue.path ? el('code', {}, issue.path) : '', issue.path ? ': ' : '', issue.message,
        issue.fix ? el('div', { class: 'fix' }, t('fix_label'), ' ', issue.fix) : '',
        issue.line ? excerpt(issue.line, issue.column) : '');
    }));
    result.replaceChildren(el('section', { id: 'create-issues', 'aria-labelledby': 'issues-title' },
      el('h2', { id: 'issues-title' }, t('create_issues_title', { n: issues.length })),
      el('p', { class: 'banner banner-danger', role: 'alert' }, error.message), list));
  }

  function renderPlan(plan) {
    const items = plan.items.map((item) => {
      const steps = (item.plan && item.plan.steps) || [];
      return el('article', { class: 'plan-item', 'data-target': item.target },
        el('h3', {}, t('plan_item_title', { index: item.index + 1, action: t(`action_${item.action}`), target: item.target, engine: item.engine })),
        item.existing_job ? el('p', { class: 'banner banner-info' }, t('plan_existing_job'), ' ',
          el('a', { href: `/jobs/${encodeURIComponent(item.existing_job.id)}` }, item.existing_job.id), ' ',
          statusBadge(item.existing_job.state)) : '',
        el('ol', { class: 'plan-steps' }, steps.map((step) => el('li', { class: step.already_done ? 'step-exists' : 'step-create' },
          badge(step.already_done ? 'neutral' : 'ok', step.already_done ? t('plan_exists') : t('plan_will_create')), ' ',
          step.description))));
    });
    const creates = plan.items.reduce((sum, item) => sum + ((item.plan && item.plan.steps) || []).filter((s) => !s.already_done).length, 0);
    result.replaceChildren(el('section', { id: 'create-plan', 'aria-labelledby': 'plan-title' },
      el('h2', { id: 'plan-title' }, t('plan_title')),
      el('p', { class: 'banner banner-info', role: 'status' }, t('plan_summary', { items: plan.items.length, steps: creates })),
      items));
  }

  function followJobs(jobs) {
    const rows = new Map();
    const tbody = el('tbody');
    for (const job of jobs) {
      const row = el('tr', { 'data-job': job.id });
      rows.set(job.id, row);
      tbody.append(row);
      fillJobRow(row, job);
    }
    const summary = el('p', { role: 'status', id: 'create-jobs-summary' }, t('create_jobs_following'));
    result.replaceChildren(el('section', { id: 'create-jobs', 'aria-labelledby': 'jobs-title' },
      el('h2', { id: 'jobs-title' }, t('create_jobs_title', { n: jobs.length })), summary,
      el('table', { class: 'data' }, el('caption', { class: 'visually-hidden' }, t('create_jobs_title', { n: jobs.length })),
        el('thead', {}, el('tr', {}, ['col_job', 'col_target', 'col_engine', 'col_state', 'col_step'].map((key) => el('th', { scope: 'col' }, t(key))))),
        tbody)));
    const states = new Map(jobs.map((job) => [job.id, job.state]));
    const finalStates = ['succeeded', 'failed', 'interrupted'];
    for (const job of jobs) {
      if (finalStates.includes(job.state)) continue;
      const stop = repeat(1000, async () => {
        const answer = await api(`/api/v1/jobs/${encodeURIComponent(job.id)}`);
        fillJobRow(rows.get(job.id), answer.data);
        states.set(job.id, answer.data.state);
        if (finalStates.includes(answer.data.state)) {
          stop();
          const all = [...states.values()];
          if (all.every((state) => finalStates.includes(state))) {
            summary.textContent = t('create_jobs_done', {
              succeeded: all.filter((s) => s === 'succeeded').length, failed: all.filter((s) => s !== 'succeeded').length });
          }
        }
      });
    }
  }

  function fillJobRow(row, job) {
    const steps = job.steps || [];
    const last = steps[steps.length - 1];
    row.dataset.state = job.state;
    row.replaceChildren(
      el('th', { scope: 'row' }, el('a', { href: `/jobs/${encodeURIComponent(job.id)}` }, job.id.slice(0, 8))),
      el('td', {}, job.target), el('td', {}, job.engine),
      el('td', { class: 'job-state' }, statusBadge(job.state), job.reused ? ` ${t('job_reused')}` : ''),
      el('td', {}, job.error ? job.error.message : (last ? last.description : '')));
  }

  async function send(dryRun) {
    const target = endpoint();
    const { body, headers } = requestBody(target);
    result.setAttribute('aria-busy', 'true');
    try {
      const answer = await api(dryRun ? `${target}?dry_run=true` : target, { method: 'POST', body, headers });
      if (dryRun) {
        checkedText = textArea.value;
        checkedEndpoint = target;
        submitButton.disabled = false;
        renderPlan(answer.data);
        announce(t('plan_ready'));
      } else {
        submitButton.disabled = true;
        checkedText = null;
        followJobs(answer.data.jobs || []);
        announce(t('create_jobs_following'));
      }
    } catch (error) {
      submitButton.disabled = true;
      if (error.status === 422 && error.body && error.body.issues) renderIssues(error);
      else result.replaceChildren(errorBox(error));
    } finally {
      result.setAttribute('aria-busy', 'false');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!textArea.value.trim()) {
      result.replaceChildren(errorBox(new Error(t('create_empty'))));
      textArea.focus();
      return;
    }
    send(true);
  });
  submitButton.addEventListener('click', () => {
    if (checkedText === textArea.value) send(false);
  });
  return () => {};
}
