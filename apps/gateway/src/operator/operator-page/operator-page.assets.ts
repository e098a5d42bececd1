// The operator page's files, kept as strings so that they travel with the compiled app (dist/, the image).
// The script is plain browser JavaScript (no build step); it writes text only through textContent.

export const OPERATOR_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tributary — operator</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/ui/app.css">
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
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    if (client) client.dispose();
    location.reload();
  });
  if (sessionStorage.getItem(KEY)) void open();
})();
`;
