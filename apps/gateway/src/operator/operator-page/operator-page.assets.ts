// The operator page's files, kept as strings so that they travel with the compiled app (dist/, the image).
// The script is plain browser JavaScript (no build step); it writes text only through textContent.

export const OPERATOR_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tributary — operator</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/ui/uplot.css">
  <link rel="stylesheet" href="/ui/app.css">
  <script src="/ui/uplot.js" defer></script>
  <script src="/ui/graphql-ws.js" defer></script>
  <script src="/ui/app.js" defer></script>
</head>
<body>
  <header>
    <h1>Tributary operator</h1>
    <span id="connection" data-state="signed-out">signed out</span>
    <button id="sign-out" hidden>Sign out</button>
  </header>
  <form id="sign-in">
    <label for="admin-key">Platform admin key</label>
    <input id="admin-key" name="admin-key" type="password" autocomplete="off" placeholder="trb_…" required>
    <button type="submit">Open</button>
    <p id="sign-in-error" role="alert"></p>
  </form>
  <main id="dashboard" hidden>
    <section id="history" class="wide">
      <h2>History</h2>
      <form id="filters">
        <label>Window <select id="filter-window">
          <option value="900" selected>15 minutes</option><option value="3600">1 hour</option><option value="21600">6 hours</option>
          <option value="86400">24 hours</option><option value="604800">7 days</option>
        </select></label>
        <label>Tenant <input id="filter-tenant" placeholder="tenant id (all)" size="38" spellcheck="false"></label>
        <label>Topic <select id="filter-topic"><option value="">all topics</option></select></label>
        <label>Webhook <input id="filter-webhook" placeholder="webhook id (all)" size="38" spellcheck="false"></label>
        <button type="submit">Apply</button>
        <span id="filter-state" role="status"></span>
      </form>
      <div class="charts">
        <figure><figcaption>Throughput: deliveries per bucket</figcaption><div id="chart-throughput" class="chart"></div><p class="note" id="chart-throughput-note"></p></figure>
        <figure><figcaption>Errors: refused %, dead letters, failed runs</figcaption><div id="chart-errors" class="chart"></div><p class="note" id="chart-errors-note"></p></figure>
        <figure><figcaption>Consumer lag (sampled every 15 s)</figcaption><div id="chart-lag" class="chart"></div><p class="note" id="chart-lag-note"></p></figure>
      </div>
    </section>
    <section id="trace-section" class="wide">
      <h2>Follow an event</h2>
      <form id="trace-form">
        <input id="trace-id" placeholder="trace id (32 hex) or event id (UUID)" size="44" spellcheck="false" required>
        <button type="submit">Search</button>
        <span id="trace-state" role="status"></span>
      </form>
      <ol id="trace" class="path"></ol>
    </section>
    <section id="projections-section">
      <h2>Projections</h2>
      <table id="projections"><thead><tr><th>projection</th><th>state</th><th>version</th><th>position</th><th>events after</th><th>rebuild</th><th>progress</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="schedules-section">
      <h2>Schedules</h2>
      <table id="schedules"><thead><tr><th>next fire</th><th>cron</th><th>zone</th><th>enabled</th><th>last fired</th><th>last run</th><th>tenant</th><th>action</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="runs-section" class="wide">
      <h2>Runs</h2>
      <table id="runs"><thead><tr><th>started</th><th>integration</th><th>method</th><th>trigger</th><th>state</th><th>attempt</th><th>ms</th><th>error</th><th>tenant</th><th>message</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="flow">
      <h2>Event flow</h2>
      <table id="topics"><thead><tr><th>topic</th><th>partitions</th><th>messages</th><th>last minute</th></tr></thead><tbody></tbody></table>
      <h3>Latest messages</h3>
      <table id="messages"><thead><tr><th>appended</th><th>topic</th><th>tenant</th><th>subject</th><th>message id</th><th>from</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="lag-section">
      <h2>Consumer lag</h2>
      <table id="lag"><thead><tr><th>group</th><th>topic</th><th>lag</th><th>read from</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="dead-letters-section">
      <h2>Dead letters <span id="dead-letter-count">0</span></h2>
      <p id="redrive-result" role="status"></p>
      <table id="dead-letters"><thead><tr><th>id</th><th>dead at</th><th>group</th><th>topic</th><th>error</th><th>attempts</th><th></th></tr></thead><tbody></tbody></table>
    </section>
    <section id="deliveries-section">
      <h2>Webhook deliveries</h2>
      <table id="deliveries"><thead><tr><th>at</th><th>webhook</th><th>status</th><th>code</th><th>event</th></tr></thead><tbody></tbody></table>
    </section>
    <section id="clients-section">
      <h2>Connected clients <span id="connected-clients">0</span></h2>
      <table id="instances"><thead><tr><th>app</th><th>instance</th><th>started</th><th>last heartbeat</th><th>clients</th></tr></thead><tbody></tbody></table>
    </section>
  </main>
</body>
</html>
`;

export const OPERATOR_PAGE_CSS = `
[hidden] { display: none !important; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1.5rem; background: #1d2433; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
#connection[data-state="live"] { color: #7ee2a8; }
#connection[data-state="reconnecting"], #connection[data-state="error"] { color: #ffb86b; }
form#sign-in { max-width: 28rem; margin: 3rem auto; display: grid; gap: .5rem; background: #fff; padding: 1.5rem; border-radius: 6px; }
#sign-in-error { color: #b3261e; min-height: 1.2em; margin: 0; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(34rem, 1fr)); gap: 1rem; padding: 1rem 1.5rem; }
section { background: #fff; border-radius: 6px; padding: .75rem 1rem; overflow: auto; max-height: 32rem; }
h2 { font-size: 1rem; margin: .25rem 0 .5rem; } h3 { font-size: .9rem; margin: .75rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid #e6e8ec; white-space: nowrap; }
td.error { white-space: normal; max-width: 22rem; }
tr.fresh { animation: fresh 2s ease-out; }
@keyframes fresh { from { background: #fff6c8; } to { background: transparent; } }
.status-2 { color: #1a7f37; } .status-4, .status-5 { color: #b3261e; }
h2 span { background: #e6e8ec; border-radius: 1rem; padding: 0 .5rem; font-weight: normal; }
section.wide { grid-column: 1 / -1; max-height: none; }
form#filters, form#trace-form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin-bottom: .5rem; }
form#filters label { display: flex; gap: .35rem; align-items: center; }
#filter-state.error, #trace-state.error { color: #b3261e; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr)); gap: 1rem; }
figure { margin: 0; } figcaption { font-size: .85rem; color: #4a5263; margin-bottom: .25rem; }
.chart { min-height: 220px; }
p.note { font-size: .8rem; color: #6b7385; margin: .25rem 0 0; min-height: 1em; }
ol.path { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
ol.path > li { border-left: 3px solid #4361ee; padding: .25rem .75rem; }
ol.path > li.dead { border-color: #b3261e; } ol.path > li.empty { border-color: #c7cbd3; color: #6b7385; }
ol.path h3 { margin: 0 0 .25rem; }
progress { width: 7rem; }
td.state-fail, td.state-failed { color: #b3261e; } td.state-ok, td.state-done, td.state-live { color: #1a7f37; } td.state-rebuilding, td.state-building { color: #9a6700; }
`;

export const OPERATOR_PAGE_SCRIPT = String.raw`'use strict';
(() => {
  const ENDPOINT = '/ui/graphql';
  const KEY = 'tributary.operator.key';
  const $ = (id) => document.getElementById(id);
  const recent = []; // { topic, at } of messages seen live, for rates
  let client;

  const OVERVIEW = 'query { operatorOverview { at topics { topic partitions messages } lag { group topic lag source } deadLetterCount ' +
    'deadLetters { id group topic messageId errorCode errorMessage attempts deadAt } connectedClients ' +
    'instances { app instanceId startedAt heartbeatAt connectedClients } ' +
    'recentMessages { topic partition offset messageId tenantId subject source appendedAt } ' +
    'recentDeliveries { at webhookId status code eventId traceId } } }';
  const STATS = 'subscription { operatorStats { at topics { topic partitions messages } lag { group topic lag source } deadLetterCount ' +
    'deadLetters { id group topic messageId errorCode errorMessage attempts deadAt } connectedClients ' +
    'instances { app instanceId startedAt heartbeatAt connectedClients } } }';
  const MESSAGES = 'subscription { operatorMessages { topic partition offset messageId tenantId subject source appendedAt } }';
  const DELIVERIES = 'subscription { operatorDeliveries { at webhookId status code eventId traceId } }';
  const REDRIVE = 'mutation ($id: ID!) { redriveDeadLetter(id: $id) { id topic messageId } }';
  const SERIES = 'query ($from: String, $to: String, $bucketSeconds: Int, $tenantId: String, $topic: String, $webhookId: String) { ' +
    'operatorTimeseries(from: $from, to: $to, bucketSeconds: $bucketSeconds, tenantId: $tenantId, topic: $topic, webhookId: $webhookId) ' +
    '{ bucketSeconds buckets { t accepted refused deadLettered failedRuns lag } } }';
  const TRACE = 'query ($id: String!) { operatorTrace(id: $id) { id ' +
    'ingest { at tenantId actorKind actorId status code topic eventId traceId } ' +
    'messages { topic partition offset messageId causationId tenantId subject source appendedAt handledBy } ' +
    'runs { id tenantId integration method trigger messageId state attempt startedAt durationMs errorCode } ' +
    'events { eventId type streamId position recordedAt projectionsPast } ' +
    'deadLetters { id group topic messageId errorCode errorMessage attempts deadAt } } }';
  const WORK = 'query ($tenantId: String) { operatorWork(tenantId: $tenantId) { ' +
    'projections { name liveVersion state position eventsAfter updatedAt rebuild { status reason targetVersion processed progress startedAt finishedAt error } } ' +
    'runs { id tenantId integration method trigger messageId state attempt startedAt durationMs errorCode } ' +
    'schedules { id tenantId actionId cron timeZone enabled nextFireAt lastFiredAt lastRunState } } }';
  const BUCKETS = 60; // points per chart: the window divided into this many buckets
  const charts = {};
  let filters = {};

  async function post(query, variables) {
    const response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem(KEY) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors && body.errors.length) {
      const error = new Error(body.errors[0].message);
      error.code = body.errors[0].extensions && body.errors[0].extensions.code;
      throw error;
    }
    return body.data;
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }
  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
  const short = (id) => (id ? String(id).slice(0, 13) + '…' : '');

  function fill(tableId, items, render) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren(...items.map((item) => { const tr = document.createElement('tr'); render(tr, item); return tr; }));
  }
  function prepend(tableId, items, render, keep) {
    const body = $(tableId).tBodies[0];
    for (const item of items) {
      const tr = document.createElement('tr');
      tr.className = 'fresh';
      render(tr, item);
      body.insertBefore(tr, body.firstChild);
    }
    while (body.rows.length > keep) body.deleteRow(body.rows.length - 1);
  }

  const renderMessage = (tr, m) => {
    tr.dataset.topic = m.topic; tr.dataset.messageId = m.messageId;
    cell(tr, time(m.appendedAt)); cell(tr, m.topic); cell(tr, short(m.tenantId)); cell(tr, m.subject); cell(tr, m.messageId); cell(tr, m.source);
  };
  const renderDelivery = (tr, d) => {
    tr.dataset.status = d.status; tr.dataset.eventId = d.eventId || '';
    cell(tr, time(d.at)); cell(tr, d.webhookId); cell(tr, d.status, 'status-' + String(d.status)[0]); cell(tr, d.code); cell(tr, d.eventId);
  };

  function renderStats(s) {
    const lastMinute = Date.now() - 60000;
    while (recent.length && recent[0].at < lastMinute) recent.shift();
    fill('topics', s.topics, (tr, t) => {
      tr.dataset.topic = t.topic;
      cell(tr, t.topic); cell(tr, t.partitions); cell(tr, t.messages); cell(tr, recent.filter((r) => r.topic === t.topic).length);
    });
    fill('lag', s.lag, (tr, l) => { tr.dataset.group = l.group; tr.dataset.topic = l.topic; cell(tr, l.group); cell(tr, l.topic); cell(tr, l.lag); cell(tr, l.source); });
    $('dead-letter-count').textContent = String(s.deadLetterCount);
    fill('dead-letters', s.deadLetters, (tr, d) => {
      tr.dataset.id = d.id;
      cell(tr, d.id); cell(tr, time(d.deadAt)); cell(tr, d.group); cell(tr, d.topic); cell(tr, d.errorCode + ': ' + d.errorMessage, 'error'); cell(tr, d.attempts);
      const button = document.createElement('button');
      button.textContent = 'Redrive';
      button.addEventListener('click', () => redrive(d.id, button));
      cell(tr, '').appendChild(button);
    });
    $('connected-clients').textContent = String(s.connectedClients);
    fill('instances', s.instances, (tr, i) => { cell(tr, i.app); cell(tr, i.instanceId); cell(tr, time(i.startedAt)); cell(tr, time(i.heartbeatAt)); cell(tr, i.connectedClients); });
  }

  async function redrive(id, button) {
    button.disabled = true;
    try {
      const { redriveDeadLetter: r } = await post(REDRIVE, { id });
      $('redrive-result').textContent = 'Dead letter ' + r.id + ' sent back to ' + r.topic + ' (message ' + r.messageId + ')';
      const row = button.closest('tr');
      if (row) row.remove();
    } catch (error) {
      $('redrive-result').textContent = 'Redrive of ' + id + ' failed: ' + error.message;
      button.disabled = false;
    }
  }

  function setConnection(state, text) {
    $('connection').dataset.state = state;
    $('connection').textContent = text;
  }

  function subscribe(query, onData) {
    client.subscribe({ query }, {
      next: (result) => { if (result.data) onData(result.data); },
      error: (error) => setConnection('error', 'subscription error: ' + (error && error.message ? error.message : 'closed')),
      complete: () => {},
    });
  }

  // --- History: three uPlot charts over operatorTimeseries, redrawn on filter changes and every 15 s.
  function readFilters() {
    const f = { window: Number($('filter-window').value) };
    for (const [key, id] of [['tenantId', 'filter-tenant'], ['topic', 'filter-topic'], ['webhookId', 'filter-webhook']]) {
      const value = $(id).value.trim();
      if (value) f[key] = value;
    }
    return f;
  }

  function drawChart(id, title, series, xs, columns) {
    const el = $(id);
    const data = [xs, ...columns];
    // What the chart was given, for anyone checking it (a test, a curious operator): points and totals per series.
    el.dataset.points = String(xs.length);
    el.dataset.values = JSON.stringify(Object.fromEntries(series.map((s, i) => [s.label, columns[i].filter((v) => v != null).length])));
    el.dataset.totals = JSON.stringify(Object.fromEntries(series.map((s, i) => [s.label, columns[i].reduce((a, v) => a + (v || 0), 0)])));
    if (charts[id]) { charts[id].setData(data); return; }
    const width = Math.max(320, el.clientWidth || 480);
    charts[id] = new window.uPlot({
      title, width, height: 200,
      scales: { x: { time: true } },
      axes: [{}, { size: 50 }],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, fill: s.fill, spanGaps: s.spanGaps === true, ...(s.spanGaps ? { points: { show: true, size: 6 } } : {}) }))],
    }, data, el);
  }

  async function loadHistory() {
    const f = filters;
    const to = new Date();
    const from = new Date(to.getTime() - f.window * 1000);
    const bucketSeconds = Math.max(10, Math.ceil(f.window / BUCKETS));
    const variables = { from: from.toISOString(), to: to.toISOString(), bucketSeconds, tenantId: f.tenantId, topic: f.topic, webhookId: f.webhookId };
    let series;
    try {
      series = (await post(SERIES, variables)).operatorTimeseries;
    } catch (error) {
      $('filter-state').className = 'error';
      $('filter-state').textContent = error.message;
      return;
    }
    $('filter-state').className = '';
    $('filter-state').textContent = [f.tenantId && 'tenant ' + short(f.tenantId), f.topic, f.webhookId && 'webhook ' + short(f.webhookId)].filter(Boolean).join(' · ') || 'all traffic';
    const b = series.buckets;
    const xs = b.map((x) => Date.parse(x.t) / 1000);
    const pct = (x) => (x.accepted + x.refused ? (100 * x.refused) / (x.accepted + x.refused) : 0);
    drawChart('chart-throughput', 'Deliveries', [
      { label: 'accepted', color: '#1a7f37', fill: 'rgba(26,127,55,.12)' },
      { label: 'refused', color: '#b3261e', fill: 'rgba(179,38,30,.12)' },
    ], xs, [b.map((x) => x.accepted), b.map((x) => x.refused)]);
    drawChart('chart-errors', 'Errors', [
      { label: 'refused %', color: '#b3261e' },
      { label: 'dead letters', color: '#6f42c1' },
      { label: 'failed runs', color: '#9a6700' },
    ], xs, [b.map(pct), b.map((x) => x.deadLettered), b.map((x) => x.failedRuns)]);
    const none = (key) => b.every((x) => x[key] === null);
    $('chart-errors-note').textContent = f.webhookId ? 'Dead letters and failed runs name no webhook: not shown with a webhook filter.'
      : f.topic ? 'Failed runs name no topic: not shown with a topic filter.' : '';
    $('chart-lag-note').textContent = (f.tenantId || f.webhookId) ? 'Lag is a consumer group’s, not a tenant’s or a webhook’s: not shown with these filters.'
      : none('lag') ? 'No lag sampled in this window yet (every 15 s, once consumer groups exist).' : '';
    drawChart('chart-lag', 'Lag', [{ label: 'lag (messages)', color: '#4361ee', fill: 'rgba(67,97,238,.12)', spanGaps: true }], xs, [b.map((x) => x.lag)]);
  }

  // --- Projections, runs, schedules.
  const renderRun = (tr, r) => {
    tr.dataset.runId = r.id; tr.dataset.state = r.state; tr.dataset.tenantId = r.tenantId;
    cell(tr, time(r.startedAt)); cell(tr, r.integration); cell(tr, r.method); cell(tr, r.trigger); cell(tr, r.state, 'state-' + r.state);
    cell(tr, r.attempt); cell(tr, r.durationMs); cell(tr, r.errorCode); cell(tr, short(r.tenantId)); cell(tr, r.messageId);
  };
  async function loadWork() {
    let work;
    try { work = (await post(WORK, { tenantId: filters.tenantId })).operatorWork; } catch (error) { return; }
    fill('projections', work.projections, (tr, p) => {
      tr.dataset.projection = p.name; tr.dataset.state = p.state;
      cell(tr, p.name); cell(tr, p.state, 'state-' + p.state); cell(tr, p.liveVersion); cell(tr, p.position); cell(tr, p.eventsAfter);
      const r = p.rebuild;
      cell(tr, r ? r.status + ' (' + r.reason + ', v' + r.targetVersion + ', ' + r.processed + ' events' + (r.error ? ': ' + r.error : '') + ')' : 'none', r ? 'state-' + r.status : '');
      const td = cell(tr, r ? Math.round(r.progress * 100) + '%' : '');
      if (r) { const bar = document.createElement('progress'); bar.max = 1; bar.value = r.progress; td.prepend(bar, ' '); }
    });
    fill('runs', work.runs, renderRun);
    fill('schedules', work.schedules, (tr, s) => {
      tr.dataset.scheduleId = s.id; tr.dataset.tenantId = s.tenantId;
      cell(tr, new Date(s.nextFireAt).toLocaleString()); cell(tr, s.cron); cell(tr, s.timeZone); cell(tr, s.enabled ? 'yes' : 'no');
      cell(tr, s.lastFiredAt ? new Date(s.lastFiredAt).toLocaleString() : ''); cell(tr, s.lastRunState, 'state-' + s.lastRunState); cell(tr, short(s.tenantId)); cell(tr, s.actionId);
    });
  }

  // --- Follow one event: its whole path, step by step.
  function step(kind, title, items, render, head) {
    const li = document.createElement('li');
    li.dataset.step = kind;
    if (!items.length) li.className = 'empty';
    if (kind === 'dead-letters' && items.length) li.className = 'dead';
    const h = document.createElement('h3');
    h.textContent = title + ' (' + items.length + ')';
    li.appendChild(h);
    if (items.length) {
      const table = document.createElement('table');
      const hr = table.createTHead().insertRow();
      for (const name of head) { const th = document.createElement('th'); th.textContent = name; hr.appendChild(th); }
      const body = table.createTBody();
      for (const item of items) { const tr = body.insertRow(); render(tr, item); }
      li.appendChild(table);
    }
    $('trace').appendChild(li);
  }
  async function trace(id) {
    $('trace').replaceChildren();
    $('trace-state').className = '';
    $('trace-state').textContent = 'searching…';
    let t;
    try { t = (await post(TRACE, { id })).operatorTrace; } catch (error) {
      $('trace-state').className = 'error';
      $('trace-state').textContent = error.message;
      return;
    }
    const found = t.ingest.length + t.messages.length + t.events.length + t.runs.length + t.deadLetters.length;
    $('trace-state').textContent = found ? '' : 'Nothing found for ' + t.id;
    step('ingest', 'Received', t.ingest, (tr, e) => {
      tr.dataset.status = e.status;
      cell(tr, time(e.at)); cell(tr, e.actorKind + ' ' + e.actorId); cell(tr, e.status, 'status-' + String(e.status)[0]); cell(tr, e.code); cell(tr, e.topic); cell(tr, e.eventId); cell(tr, e.traceId);
    }, ['at', 'through', 'status', 'code', 'topic', 'event', 'trace']);
    step('messages', 'On the log', t.messages, (tr, m) => {
      tr.dataset.messageId = m.messageId; tr.dataset.topic = m.topic;
      cell(tr, time(m.appendedAt)); cell(tr, m.topic); cell(tr, m.partition + '/' + m.offset); cell(tr, m.messageId); cell(tr, m.causationId); cell(tr, m.source); cell(tr, m.handledBy.join(', '));
    }, ['appended', 'topic', 'partition/offset', 'message', 'caused by', 'from', 'handled by']);
    step('runs', 'Runs', t.runs, renderRun, ['started', 'integration', 'method', 'trigger', 'state', 'attempt', 'ms', 'error', 'tenant', 'message']);
    step('events', 'Stored', t.events, (tr, e) => {
      tr.dataset.eventId = e.eventId;
      cell(tr, time(e.recordedAt)); cell(tr, e.type); cell(tr, e.streamId); cell(tr, e.position); cell(tr, e.eventId); cell(tr, e.projectionsPast.join(', ') || '—');
    }, ['recorded', 'type', 'stream', 'position', 'event', 'projections past it']);
    step('dead-letters', 'Dead letters', t.deadLetters, (tr, d) => {
      tr.dataset.id = d.id;
      cell(tr, time(d.deadAt)); cell(tr, d.group); cell(tr, d.topic); cell(tr, d.errorCode + ': ' + d.errorMessage, 'error'); cell(tr, d.attempts);
    }, ['dead at', 'group', 'topic', 'error', 'attempts']);
  }

  async function open() {
    let overview;
    try {
      overview = (await post(OVERVIEW)).operatorOverview;
    } catch (error) {
      sessionStorage.removeItem(KEY);
      $('sign-in-error').textContent = error.code === 'forbidden' || error.code === 'admin_required'
        ? 'That key is not the platform admin key.' : error.code === 'unauthenticated' ? 'Unknown key.' : error.message;
      return;
    }
    $('sign-in').hidden = true;
    $('dashboard').hidden = false;
    $('sign-out').hidden = false;
    renderStats(overview);
    fill('messages', overview.recentMessages, renderMessage);
    fill('deliveries', overview.recentDeliveries, renderDelivery);
    for (const t of overview.topics) {
      const option = document.createElement('option');
      option.value = t.topic; option.textContent = t.topic;
      $('filter-topic').appendChild(option);
    }
    filters = readFilters();
    await Promise.all([loadHistory(), loadWork()]);
    setInterval(() => void loadHistory(), 15000);
    setInterval(() => void loadWork(), 10000);

    client = window.graphqlWs.createClient({
      url: location.origin.replace(/^http/, 'ws') + ENDPOINT,
      connectionParams: () => ({ authorization: 'Bearer ' + sessionStorage.getItem(KEY) }),
      retryAttempts: Infinity,
      shouldRetry: () => true,
      on: {
        connected: () => setConnection('live', 'live'),
        closed: () => setConnection('reconnecting', 'reconnecting…'),
      },
    });
    subscribe(STATS, (data) => renderStats(data.operatorStats));
    subscribe(MESSAGES, (data) => {
      const batch = data.operatorMessages;
      for (const m of batch) recent.push({ topic: m.topic, at: Date.now() });
      prepend('messages', batch, renderMessage, 100);
    });
    subscribe(DELIVERIES, (data) => prepend('deliveries', [data.operatorDeliveries], renderDelivery, 100));
  }

  $('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    $('sign-in-error').textContent = '';
    sessionStorage.setItem(KEY, $('admin-key').value.trim());
    $('admin-key').value = '';
    void open();
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    filters = readFilters();
    void loadHistory();
    void loadWork();
  });
  $('trace-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void trace($('trace-id').value.trim());
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    if (client) client.dispose();
    location.reload();
  });
  if (sessionStorage.getItem(KEY)) void open();
})();
`;
