// line-provider's page: create events, change their ratio, settle or cancel them. The list follows
// the line live through line-provider's SockJS bridge (events.open: every created or changed event,
// whoever changed it); writes go to the API with the operator's credential.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const problems = window.EventWalkerProblems;
  const events = new Map(); // event_id -> the newest state known: {event_id, ratio, deadline, status, version}
  const LABELS = { event_id: 'Event id', ratio: 'Ratio', deadline: 'Bets close', status: 'Status' };
  const FINAL_NOTE = ' This is final: the event cannot change afterwards.';
  // The final actions: what each button says, and what its confirmation says it does.
  const FINAL = {
    FINISHED_WIN: {
      button: 'Settle as won', css: 'win', yes: 'Yes, settle as won', done: 'settled as won',
      ask: (id) => 'Settle ' + id + ' as won? Every pending bet on it wins and is paid its stake × the ratio it was placed at.',
    },
    FINISHED_LOSE: {
      button: 'Settle as lost', css: 'lose', yes: 'Yes, settle as lost', done: 'settled as lost',
      ask: (id) => 'Settle ' + id + ' as lost? Every pending bet on it loses its stake.',
    },
    CANCELLED: {
      button: 'Cancel the event (void all bets)', css: 'secondary cancel', yes: 'Yes, cancel the event', done: 'cancelled: its bets are void',
      ask: (id) => 'Cancel ' + id + '? Every pending bet on it is void and its stake paid back.',
    },
  };

  // The operator's credential, kept for this tab only: a token with the role operator
  // (java -jar … token NAME --operator) or the operator key (LP_API_KEY); both go as the bearer.
  const keyInput = $('api-key');
  keyInput.value = sessionStorage.getItem('event-walker.api-key') || '';
  keyInput.addEventListener('change', () => sessionStorage.setItem('event-walker.api-key', keyInput.value));

  function say(answer, context) {
    return problems.say(answer, Object.assign({ kind: 'operator', token: keyInput.value, labels: LABELS }, context));
  }

  function send(method, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (keyInput.value.trim()) headers['Authorization'] = 'Bearer ' + keyInput.value.trim();
    return problems.request('/event', { method, headers, body: JSON.stringify(body) });
  }

  // ---- the list ----

  function deadlineText(seconds) {
    const when = new Date(seconds * 1000).toLocaleString();
    return seconds * 1000 <= Date.now() ? when + ' (closed)' : when;
  }

  function rowOf(id) {
    return [...$('events').querySelectorAll('tr[data-event-id]')].find((row) => row.dataset.eventId === id) || null;
  }

  function newRow(event) {
    const row = document.createElement('tr');
    row.dataset.eventId = event.event_id;
    row.innerHTML = '<td class="id"></td><td class="num ratio-now"></td><td class="deadline"></td><td class="num version"></td>'
      + '<td class="actions"><span class="choices">'
      + '<input class="ratio" inputmode="decimal" size="6" aria-label="new ratio"> '
      + '<button class="secondary set-ratio">Set ratio</button></span>'
      + '<span class="confirm" hidden><span class="question"></span> '
      + '<button class="confirm-yes"></button> <button class="secondary confirm-no">No, keep it open</button></span></td>';
    row.querySelector('.id').textContent = event.event_id;
    const choices = row.querySelector('.choices');
    for (const [status, final] of Object.entries(FINAL)) {
      const button = document.createElement('button');
      button.className = final.css;
      button.textContent = final.button;
      button.onclick = () => ask(row, status);
      choices.append(' ', button);
    }
    row.querySelector('.set-ratio').onclick = () => {
      const known = events.get(event.event_id);
      change({ event_id: event.event_id, ratio: row.querySelector('.ratio').value.trim(), version: known.version });
    };
    row.querySelector('.confirm-no').onclick = () => settle(row);
    return row;
  }

  // A final action asks first, in the row: what it does, then yes or no.
  function ask(row, status) {
    const id = row.dataset.eventId;
    const final = FINAL[status];
    const version = events.get(id).version;
    row.querySelector('.question').textContent = final.ask(id) + FINAL_NOTE;
    const yes = row.querySelector('.confirm-yes');
    yes.textContent = final.yes;
    yes.className = 'confirm-yes ' + final.css.replace('secondary', '').trim();
    // The version seen when asked goes with the change: if the event changed since, nothing is done.
    yes.onclick = () => {
      settle(row);
      change({ event_id: id, status, version });
    };
    row.querySelector('.choices').hidden = true;
    row.querySelector('.confirm').hidden = false;
  }

  function settle(row) {
    row.querySelector('.confirm').hidden = true;
    row.querySelector('.choices').hidden = false;
  }

  function showEmpty() {
    const body = $('events');
    const empty = body.querySelector('tr.empty');
    const any = body.querySelector('tr[data-event-id]');
    if (any && empty) empty.remove();
    if (!any && !empty) body.innerHTML = '<tr class="empty"><td colspan="5">No open events.</td></tr>';
  }

  // Draws an event's row as it is now: an open event's figures, updated in place (a ratio being
  // typed or a question being asked stays); any other leaves the list, with its buttons, at once.
  function draw(event, changed) {
    let row = rowOf(event.event_id);
    if (event.status !== 'NEW') {
      if (row) row.remove();
      showEmpty();
      return;
    }
    if (!row) {
      row = newRow(event);
      const after = [...$('events').querySelectorAll('tr[data-event-id]')].find((other) => other.dataset.eventId > event.event_id);
      $('events').insertBefore(row, after || null);
      showEmpty();
    }
    row.querySelector('.ratio-now').textContent = Number(event.ratio).toFixed(2);
    row.querySelector('.deadline').textContent = deadlineText(event.deadline);
    row.querySelector('.version').textContent = event.version;
    if (changed) {
      row.classList.remove('changed');
      void row.offsetWidth; // restart the highlight
      row.classList.add('changed');
    }
  }

  // A state of an event, from a push or an answer: only a newer version than the one known counts.
  function apply(event, changed) {
    const known = events.get(event.event_id);
    if (known && known.version >= event.version) return;
    events.set(event.event_id, event);
    draw(event, changed);
  }

  // Every open event, page by page; events known as open and not listed any more have left the
  // list while the page was not listening (those pushed meanwhile are kept: they are newer).
  async function load() {
    const before = new Set([...events.values()].filter((event) => event.status === 'NEW').map((event) => event.event_id));
    const listed = new Set();
    let url = '/events?status=NEW&limit=1000';
    while (url) {
      let response;
      try {
        response = await fetch(url);
      } catch (unreached) {
        return;
      }
      if (!response.ok) return;
      for (const event of await response.json()) {
        listed.add(event.event_id);
        apply(event, false);
      }
      const next = response.headers.get('Next-Cursor');
      url = next ? '/events?status=NEW&limit=1000&cursor=' + encodeURIComponent(next) : null;
    }
    for (const id of before) {
      if (!listed.has(id)) {
        const known = events.get(id);
        events.set(id, Object.assign({}, known, { status: 'LEFT' }));
        draw(events.get(id), false);
      }
    }
    showEmpty();
  }

  // ---- changes ----

  async function change(body) {
    const id = body.event_id;
    $('event-error').textContent = '';
    $('event-note').textContent = '';
    const answer = await send('PUT', body);
    if (answer.ok) {
      apply(answer.body, true);
      if (FINAL[answer.body.status]) $('event-note').textContent = id + ' ' + FINAL[answer.body.status].done + '.';
      return;
    }
    let conflict;
    if (answer.status === 409 || answer.status >= 500) {
      // What the event is now: why it did not change, or whether a change not confirmed was made.
      const now = await problems.request('/event/' + encodeURIComponent(id));
      if (now.ok) {
        apply(now.body, true);
        conflict = FINAL[now.body.status]
          ? id + ' already has its result (' + FINAL[now.body.status].done + '): it can no longer change.'
          : id + ' changed meanwhile (ratio ' + Number(now.body.ratio).toFixed(2) + ', version ' + now.body.version
            + ' now): look at it again, then retry.';
      }
    }
    $('event-error').textContent = say(answer, {
      notFound: 'There is no event ' + id + ' (any more): reload the page.',
      conflict,
      unknown: 'The server could not confirm whether ' + id + ' changed: its row shows what it holds now.',
    });
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
      $('create-error').textContent = say(answer, {
        conflict: 'An event ' + id + ' exists already: choose another id.',
        unknown: 'The server could not confirm whether the event was created: look for it in the list before trying again.',
      });
      return;
    }
    $('create-id').value = '';
    apply(answer.body, true);
  });

  // ---- live ----

  function connect() {
    const bus = new EventBus('/eventbus');
    bus.enableReconnect(true);
    bus.onopen = () => {
      $('connection').textContent = 'live';
      $('connection').className = 'live';
      bus.registerHandler('events.open', (err, message) => {
        if (!err) apply(message.body, true);
      });
      load(); // what changed while the page was not listening
    };
    bus.onclose = () => {
      $('connection').textContent = 'reconnecting…';
      $('connection').className = '';
    };
  }

  // Bets close as time passes: the deadlines say so without a reload.
  setInterval(() => {
    for (const row of $('events').querySelectorAll('tr[data-event-id]')) {
      row.querySelector('.deadline').textContent = deadlineText(events.get(row.dataset.eventId).deadline);
    }
  }, 10000);
  load().then(connect);
})();
