// The gateway's web page: plain JavaScript over its HTTP/JSON API (the
// same routes curl uses). The token is kept in this browser only
// (localStorage) and sent as a bearer token; EventSource and <video> cannot
// send headers, so they carry it as ?access_token=.
'use strict';

const $ = (id) => document.getElementById(id);
const STATE_PROGRESS = {
  TASK_STATE_PENDING: 5, TASK_STATE_QUEUED: 20, TASK_STATE_RUNNING: 60,
  TASK_STATE_SUCCEEDED: 100, TASK_STATE_FAILED: 100, TASK_STATE_CANCELLED: 100,
  TASK_STATE_EXPIRED: 100,
};
const TERMINAL = new Set(['TASK_STATE_SUCCEEDED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELLED',
                          'TASK_STATE_EXPIRED']);
let token = localStorage.getItem('seedance-token') || '';
let source = null;   // the EventSource of the task shown
let ticker = null;   // the elapsed-time timer of the task shown

const stateName = (s) => (s || '').replace('TASK_STATE_', '').toLowerCase();

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.message || response.statusText), { status: data });
  return data;
}

function withToken(path) {
  return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
}

// ---- the form ----------------------------------------------------------------

function clearErrors() {
  for (const field of document.querySelectorAll('.field')) {
    field.classList.remove('invalid');
    field.querySelector('.error').textContent = '';
  }
  $('form-error').textContent = '';
}

function fileAsDataUrl(input) {
  const file = input.files[0];
  if (!file) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// Shows each bad field's message next to it (the error's BadRequest field
// paths name them); the rest above the button.
function showError(error, imageFields) {
  const details = (error.status && error.status.details) || [];
  const badRequest = details.find((d) => (d['@type'] || '').endsWith('google.rpc.BadRequest'));
  const violations = (badRequest && badRequest.fieldViolations) || [];
  const unplaced = [];
  for (const v of violations) {
    let path = v.field || '';
    const image = path.match(/^spec\.images\[(\d+)\]/);
    if (image) path = imageFields[Number(image[1])] || path;
    const field = document.querySelector(`.field[data-field="${path}"]`);
    if (field) {
      field.classList.add('invalid');
      const p = field.querySelector('.error');
      p.textContent = p.textContent ? `${p.textContent}; ${v.description}` : v.description;
    } else {
      unplaced.push(`${v.field}: ${v.description}`);
    }
  }
  if (violations.length === 0 || unplaced.length) {
    $('form-error').textContent = unplaced.length ? unplaced.join('; ') : error.message;
  }
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  if (!token) { $('form-error').textContent = 'Enter your token first.'; return; }
  const spec = { model: $('model').value, prompt: $('prompt').value };
  if ($('resolution').value) spec.resolution = $('resolution').value;
  if ($('ratio').value) spec.ratio = $('ratio').value;
  if ($('duration').value !== '') spec.durationSeconds = Number($('duration').value);
  if ($('seed').value !== '') spec.seed = $('seed').value;
  const imageFields = [];
  spec.images = [];
  for (const [id, role] of [['first-frame', 'FRAME_ROLE_FIRST_FRAME'], ['last-frame', 'FRAME_ROLE_LAST_FRAME']]) {
    const url = await fileAsDataUrl($(id));
    if (url) { spec.images.push({ url, role }); imageFields.push(id); }
  }
  $('create').disabled = true;
  try {
    const task = await api('POST', '/v1/videoTasks', { requestId: crypto.randomUUID(), spec });
    show(task);
    loadRecent();
  } catch (error) {
    showError(error, imageFields);
  } finally {
    $('create').disabled = false;
  }
}

// ---- the task shown -----------------------------------------------------------

function setProgress(state) {
  const bar = $('progress-bar');
  bar.style.width = `${STATE_PROGRESS[state] || 0}%`;
  bar.className = state === 'TASK_STATE_RUNNING' ? 'running'
    : (TERMINAL.has(state) && state !== 'TASK_STATE_SUCCEEDED') ? 'failed' : '';
}

function show(task) {
  if (source) source.close();
  clearInterval(ticker);
  $('task-card').hidden = false;
  $('task-id').textContent = task.taskId;
  $('states').replaceChildren();
  $('task-error').textContent = '';
  $('video').hidden = true;
  $('video').removeAttribute('src');
  $('video-state').textContent = '';
  const started = Date.now();
  let current = task.state;
  ticker = setInterval(() => {
    if (!TERMINAL.has(current)) {
      $('task-status').textContent = `${stateName(current)} for ${Math.round((Date.now() - started) / 1000)} s`;
    }
  }, 1000);
  // Every change from the start; EventSource resumes by itself after a drop.
  source = new EventSource(withToken(`/v1/videoTasks/${task.taskId}:watch?afterSequence=0`));
  source.addEventListener('status', (e) => {
    const change = JSON.parse(e.data);
    current = change.state;
    const li = document.createElement('li');
    li.textContent = `${stateName(change.state)} (seq ${change.sequence})`;
    li.dataset.state = change.state;
    $('states').append(li);
    setProgress(change.state);
    $('task-status').textContent = stateName(change.state);
    if (TERMINAL.has(change.state)) {
      source.close();
      clearInterval(ticker);
      loadRecent();
      if (change.state === 'TASK_STATE_SUCCEEDED') awaitVideo(change.taskId);
      else if (change.task && change.task.error) $('task-error').textContent = change.task.error.message;
    }
  });
  source.addEventListener('error', (e) => {
    if (e.data) { $('task-error').textContent = JSON.parse(e.data).message; source.close(); }
  });
}

// The video plays from the gateway's own copy once it is kept.
async function awaitVideo(taskId) {
  for (let i = 0; i < 600; i++) {
    const task = await api('GET', `/v1/videoTasks/${taskId}`);
    const copy = task.videoContent || {};
    if (copy.state === 'CONTENT_STATE_STORED') {
      $('video-state').textContent = `${copy.contentType}, ${copy.sizeBytes} bytes, sha256 ${copy.sha256}`;
      $('video').src = withToken(`/v1/videoTasks/${taskId}/content`);
      $('video').hidden = false;
      return;
    }
    if (copy.state && copy.state !== 'CONTENT_STATE_PENDING') {
      $('video-state').textContent = copy.error ? copy.error.message : 'the video was not kept';
      if (task.result && task.result.videoUrl) { $('video').src = task.result.videoUrl; $('video').hidden = false; }
      return;
    }
    $('video-state').textContent = 'keeping the video…';
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ---- recent tasks and start-up -------------------------------------------------

async function loadRecent() {
  if (!token) return;
  try {
    const page = await api('GET', '/v1/videoTasks?pageSize=10');
    $('recent').replaceChildren(...(page.tasks || []).map((task) => {
      const li = document.createElement('li');
      li.innerHTML = '<span></span><span class="muted"></span>';
      li.children[0].textContent = task.spec.prompt || task.taskId;
      li.children[1].textContent = stateName(task.state);
      li.addEventListener('click', () => show(task));
      return li;
    }));
  } catch (error) {
    $('recent').replaceChildren(Object.assign(document.createElement('li'), { textContent: error.message }));
  }
}

async function loadModels() {
  try {
    const { models = [] } = await api('GET', '/v1/models');
    $('model').replaceChildren(...models.map((m) => Object.assign(document.createElement('option'),
      { value: m.model, textContent: m.model })));
  } catch (error) {
    $('form-error').textContent = `Models: ${error.message}`;
  }
}

function useToken(event) {
  if (event) event.preventDefault();
  token = $('token').value.trim();
  localStorage.setItem('seedance-token', token);
  $('token-state').textContent = token ? 'saved in this browser' : '';
  if (token) { loadModels(); loadRecent(); }
}

$('token').value = token;
$('token-form').addEventListener('submit', useToken);
$('create-form').addEventListener('submit', submit);
$('refresh').addEventListener('click', loadRecent);
useToken();
