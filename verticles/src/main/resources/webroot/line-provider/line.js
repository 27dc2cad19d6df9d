// line-provider's page: create events, change their ratio, finish them. Plain fetch against the API.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);

  function problemText(problem) {
    if (!problem) return 'The server did not answer; try again.';
    const fields = (problem.errors || []).map((e) => (e.field ? e.field + ': ' : '') + e.message);
    return fields.length ? fields.join('; ') : problem.detail || problem.title;
  }

  // The operator's credential, kept for this tab only: a token with the role operator
  // (java -jar … token NAME --operator) or the operator key (LP_API_KEY); both go as the bearer.
  const keyInput = $('api-key');
  keyInput.value = sessionStorage.getItem('event-walker.api-key') || '';
  keyInput.addEventListener('change', () => sessionStorage.setItem('event-walker.api-key', keyInput.value));

  async function send(method, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (keyInput.value) headers['Authorization'] = 'Bearer ' + keyInput.value.trim();
    const response = await fetch('/event', { method, headers, body: JSON.stringify(body) });
    return { ok: response.ok, body: await response.json().catch(() => null) };
  }

  async function refresh() {
    const response = await fetch('/events?status=NEW&limit=1000');
    if (!response.ok) return;
    const events = await response.json();
    const body = $('events');
    body.replaceChildren();
    if (events.length === 0) {
      body.innerHTML = '<tr class="empty"><td colspan="5">No open events.</td></tr>';
    }
    for (const event of events) {
      const row = document.createElement('tr');
      row.dataset.eventId = event.event_id;
      row.innerHTML = '<td></td><td class="num"></td><td></td><td class="num"></td><td>'
        + '<input class="ratio" inputmode="decimal" size="6" aria-label="new ratio"> '
        + '<button class="secondary set-ratio">Set ratio</button> '
        + '<button class="win">Win</button> <button class="lose">Lose</button> <button class="secondary cancel">Cancel</button></td>';
      row.children[0].textContent = event.event_id;
      row.children[1].textContent = Number(event.ratio).toFixed(2);
      row.children[2].textContent = new Date(event.deadline * 1000).toLocaleString();
      row.children[3].textContent = event.version;
      row.querySelector('.set-ratio').onclick = () => change({ event_id: event.event_id, ratio: row.querySelector('.ratio').value.trim() });
      row.querySelector('.win').onclick = () => change({ event_id: event.event_id, status: 'FINISHED_WIN' });
      row.querySelector('.lose').onclick = () => change({ event_id: event.event_id, status: 'FINISHED_LOSE' });
      row.querySelector('.cancel').onclick = () => change({ event_id: event.event_id, status: 'CANCELLED' });
      body.appendChild(row);
    }
  }

  async function change(body) {
    $('event-error').textContent = '';
    const answer = await send('PUT', body);
    if (!answer.ok) $('event-error').textContent = problemText(answer.body);
    refresh();
  }

  $('create-form').addEventListener('submit', async (submit) => {
    submit.preventDefault();
    $('create-error').textContent = '';
    const minutes = Number($('create-minutes').value || '60');
    const body = { ratio: $('create-ratio').value.trim(), deadline: Math.floor(Date.now() / 1000) + Math.round(minutes * 60) };
    const id = $('create-id').value.trim();
    if (id) body.event_id = id;
    const answer = await send('POST', body);
    if (!answer.ok) {
      $('create-error').textContent = problemText(answer.body);
      return;
    }
    $('create-id').value = '';
    refresh();
  });

  refresh();
  setInterval(refresh, 3000);
})();
