// bet-maker's live dashboard: open events, and the signed-in player's bets and wallet, updated
// through the SockJS event-bus bridge (events.open; players.<player_id> with the player's token, which
// carries each settlement of the player's bets and the balance after each change of it); nothing is
// loaded from outside this server.
(function () {
  'use strict';

  const events = new Map();   // event_id -> {event_id, ratio, deadline, status, version}
  const bets = new Map();     // bet_id -> bet
  const ENTRIES_SHOWN = 10;   // the wallet's latest entries on the page
  const KINDS = { deposit: 'Deposit', withdrawal: 'Withdrawal', stake: 'Stake', payout: 'Payout', refund: 'Refund' };
  let wallet = null;          // {player_id, balance, pending_stakes} of the signed-in player; null: not known
  let entries = [];           // the wallet's latest entries, newest first
  const $ = (id) => document.getElementById(id);
  const problems = window.EventWalkerProblems;
  const LABELS = { sum_bet: 'Stake', ratio: 'Ratio', event_id: 'Event', accept_odds: 'Odds' };
  let bus = null;
  const registered = new Set();

  // ---- rendering ----

  function isOpen(event) {
    return event.status === 'NEW' && event.deadline * 1000 > Date.now();
  }

  function formatDeadline(seconds) {
    const left = Math.max(0, Math.round(seconds - Date.now() / 1000));
    const when = new Date(seconds * 1000).toLocaleString();
    if (left > 86400) return when;
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    return when + ' (in ' + (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's)';
  }

  function money(value) {
    return value === undefined || value === null ? '—' : Number(value).toFixed(2);
  }

  let shown = '';  // what the list and the form show: ids, ratios and versions of the open events

  function renderEvents(changedId) {
    const open = [...events.values()].filter(isOpen).sort((a, b) => a.event_id.localeCompare(b.event_id));
    const signature = open.map((e) => e.event_id + '@' + e.ratio + '#' + e.version).join('|');
    if (signature === shown) {
      // Nothing changed but time: count the deadlines down in place.
      for (const row of $('events').querySelectorAll('tr[data-event-id]')) {
        row.querySelector('.deadline').textContent = formatDeadline(events.get(row.dataset.eventId).deadline);
      }
      return;
    }
    shown = signature;
    const body = $('events');
    const select = $('bet-event');
    const chosen = select.value;
    body.replaceChildren();
    select.replaceChildren();
    if (open.length === 0) {
      body.innerHTML = '<tr class="empty"><td colspan="3">No open events.</td></tr>';
    }
    for (const event of open) {
      const row = document.createElement('tr');
      row.dataset.eventId = event.event_id;
      if (event.event_id === changedId) row.className = 'changed';
      row.innerHTML = '<td></td><td class="num ratio"></td><td class="deadline"></td>';
      row.children[0].textContent = event.event_id;
      row.children[1].textContent = money(event.ratio);
      row.children[2].textContent = formatDeadline(event.deadline);
      body.appendChild(row);
      const option = document.createElement('option');
      option.value = event.event_id;
      option.dataset.ratio = event.ratio; // the ratio the player sees, sent with the bet
      option.textContent = event.event_id + ' @ ' + money(event.ratio);
      select.appendChild(option);
    }
    if (chosen && events.has(chosen) && isOpen(events.get(chosen))) select.value = chosen;
  }

  function renderBets(changedId) {
    const body = $('bets');
    body.replaceChildren();
    const list = [...bets.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    if (list.length === 0) {
      body.innerHTML = '<tr class="empty"><td colspan="6">' + (player() ? 'No bets yet.' : 'Paste your token to see your bets.') + '</td></tr>';
    }
    for (const bet of list) {
      const row = document.createElement('tr');
      row.dataset.betId = bet.bet_id;
      if (bet.bet_id === changedId) row.className = 'changed';
      row.innerHTML = '<td><code class="bet-id" title="the bet\'s id: click to select it whole"><span class="bet-id-time"></span>'
        + '<span class="bet-id-own"></span></code></td><td></td><td class="num"></td><td class="num"></td>'
        + '<td class="status"></td><td class="num payout"></td>';
      // A bet id is time-ordered (UUIDv7): its first 13 characters are the time it was placed, shared
      // by bets placed together; the rest tells bets apart. The whole id is shown, and copied whole.
      row.querySelector('.bet-id-time').textContent = bet.bet_id.slice(0, 14);
      row.querySelector('.bet-id-own').textContent = bet.bet_id.slice(14);
      if (navigator.clipboard) {
        const copy = document.createElement('button');
        copy.type = 'button';
        copy.className = 'secondary copy';
        copy.textContent = 'Copy';
        copy.title = 'copy the bet id';
        copy.onclick = () => navigator.clipboard.writeText(bet.bet_id).then(() => { copy.textContent = 'Copied'; });
        row.children[0].append(' ', copy);
      }
      row.children[1].textContent = bet.event_id;
      row.children[2].textContent = money(bet.sum_bet);
      row.children[3].textContent = money(bet.ratio);
      row.children[4].textContent = bet.status;
      row.children[4].className = 'status status-' + bet.status;
      row.children[5].textContent = money(bet.payout);
      body.appendChild(row);
    }
  }

  // The balance, and the stakes of the pending bets; the balance flashes when it moves.
  function renderWallet() {
    const balance = $('wallet-balance');
    const shownBefore = balance.textContent;
    balance.textContent = wallet ? money(wallet.balance) : '—';
    $('wallet-pending').textContent = wallet && wallet.pending_stakes !== undefined ? money(wallet.pending_stakes) : '—';
    if (shownBefore !== '—' && balance.textContent !== shownBefore) {
      balance.classList.remove('flash');
      void balance.offsetWidth; // restarts the animation
      balance.classList.add('flash');
    }
  }

  function renderEntries() {
    const body = $('wallet-entries');
    body.replaceChildren();
    if (entries.length === 0) {
      body.innerHTML = '<tr class="empty"><td colspan="5">' + (player() ? 'No money in or out yet.' : 'Paste your token to see your wallet.') + '</td></tr>';
    }
    for (const entry of entries) {
      const row = document.createElement('tr');
      row.dataset.entryId = entry.entry_id;
      row.innerHTML = '<td></td><td class="kind"></td><td class="bet"></td><td class="num amount"></td><td class="num balance-after"></td>';
      row.children[0].textContent = new Date(entry.created_at).toLocaleString();
      row.children[1].textContent = KINDS[entry.kind] || entry.kind;
      // A bet's entry names the bet's event when the page knows the bet, else the bet by its id.
      if (entry.bet_id) {
        const bet = bets.get(entry.bet_id);
        row.children[2].textContent = bet ? bet.event_id : entry.bet_id;
        row.children[2].title = 'bet ' + entry.bet_id;
      }
      const amount = Number(entry.amount);
      row.children[3].textContent = (amount > 0 ? '+' : '') + money(entry.amount);
      row.children[3].classList.add(amount < 0 ? 'debit' : 'credit');
      row.children[4].textContent = money(entry.balance_after);
      body.appendChild(row);
    }
  }

  // ---- state ----

  function applyEvent(event) {
    const known = events.get(event.event_id);
    if (known && known.version >= event.version) return;
    events.set(event.event_id, event);
    renderEvents(event.event_id);
  }

  function applyBet(update) {
    const bet = bets.get(update.bet_id);
    if (!bet) return;
    Object.assign(bet, update);
    renderBets(bet.bet_id);
  }

  // The player of the token (its sub), read from the token itself; the server checks it.
  function player() {
    const claims = problems.claims(tokenInput.value);
    return claims && claims.sub || null;
  }

  // The balance pushed after a commit that changed it: shown at once, then the wallet (its pending
  // stakes, its entries) read again.
  function applyBalance(balance) {
    if (wallet) {
      wallet.balance = balance;
      renderWallet();
    }
    refreshWallet();
  }

  // Every settlement of the player's bets ({bet_id, event_id, status, payout}), and the balance after
  // each change of it ({balance}), arrive on players.<player_id>; the register frame carries the
  // player's token (the bridge refuses anyone else).
  function listenToPlayer() {
    const who = player();
    if (!who || !bus || bus.state !== EventBus.OPEN) return;
    const address = 'players.' + who;
    if (registered.has(address)) return;
    registered.add(address);
    bus.registerHandler(address, { Authorization: 'Bearer ' + tokenInput.value.trim() }, (err, message) => {
      // A token pasted since names another player: the last one's balance is not this one's.
      if (err || address !== 'players.' + player()) return;
      if (message.body.bet_id !== undefined) {
        applyBet(message.body);
        refreshWallet();
      } else if (message.body.balance !== undefined) {
        applyBalance(message.body.balance);
      }
    });
  }

  // ---- server ----

  // The player's token (java -jar … token NAME locally), kept for this tab only: bets are a player's.
  const tokenInput = $('player-token');
  tokenInput.value = sessionStorage.getItem('event-walker.token') || '';
  tokenInput.addEventListener('change', () => {
    sessionStorage.setItem('event-walker.token', tokenInput.value.trim());
    $('bets-error').textContent = '';
    loadBets().then(listenToPlayer);
    refreshWallet();
  });

  function fetchJson(url, options) {
    options = Object.assign({}, options);
    if ((url.startsWith('/bet') || url.startsWith('/wallet')) && tokenInput.value) {
      options.headers = Object.assign({}, options.headers, { Authorization: 'Bearer ' + tokenInput.value.trim() });
    }
    return problems.request(url, options);
  }

  // A failed request in the player's words (the API's problem is for programs).
  function say(answer, context) {
    return problems.say(answer, Object.assign({ kind: 'player', token: tokenInput.value, labels: LABELS }, context));
  }

  async function loadEvents() {
    const answer = await fetchJson('/events');
    if (answer.ok) answer.body.forEach((event) => events.set(event.event_id, Object.assign({ version: 0 }, event)));
    renderEvents();
  }

  async function loadBets() {
    bets.clear();
    if (player()) {
      const answer = await fetchJson('/bets?limit=100');
      if (answer.ok) answer.body.forEach((bet) => bets.set(bet.bet_id, bet));
      else $('bets-error').textContent = say(answer, {});
    } else if (tokenInput.value.trim()) {
      $('bets-error').textContent = 'That is not a token: paste the whole token (java -jar … token NAME).';
    }
    renderBets();
    renderEntries(); // its bets are named by their events
  }

  // The wallet and its latest entries, read again after anything that may have moved them. One
  // reading at a time: asked again meanwhile (a settlement settles many bets at once, each pushed),
  // the reading in flight is not shown, being older than what was heard since, and one more follows.
  let walletReading = null;
  let walletAgain = false;

  function refreshWallet() {
    if (walletReading) {
      walletAgain = true;
      return walletReading;
    }
    walletReading = readWallet().finally(() => {
      walletReading = null;
      if (walletAgain) {
        walletAgain = false;
        refreshWallet();
      }
    });
    return walletReading;
  }

  async function readWallet() {
    let read = null, listed = null;
    if (player()) {
      [read, listed] = await Promise.all([fetchJson('/wallet'), fetchJson('/wallet/entries?limit=' + ENTRIES_SHOWN)]);
      if (walletAgain) return;
    }
    const answers = read ? [read, listed] : [];
    const failed = answers.find((answer) => !answer.ok);
    // A refused token is said once, under My bets: the wallet then shows nothing.
    const refused = failed && (failed.status === 401 || failed.status === 403);
    $('wallet-error').textContent = failed && !refused ? say(failed, {}) : '';
    if (!read || refused) {
      wallet = null;
      entries = [];
    } else {
      if (wallet && wallet.player_id !== player()) { // another token: not a word of the last player's
        wallet = null;
        entries = [];
      }
      if (read.ok) wallet = read.body;
      if (listed.ok) entries = listed.body;
    }
    renderWallet();
    renderEntries();
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'k-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }

  async function placeBet(submit, acceptedRatio) {
    if (submit) submit.preventDefault();
    const error = $('bet-error');
    const amount = $('bet-amount');
    error.textContent = '';
    amount.classList.remove('invalid');
    const eventId = $('bet-event').value;
    if (!eventId) {
      error.textContent = 'Choose an open event first.';
      return;
    }
    $('bet-submit').disabled = true;
    try {
      // The stake and the ratio the player saw go as strings: the server keeps them exact. A ratio
      // that moved since is refused (409 with the ratio now), never taken behind the player's back.
      const seen = acceptedRatio || $('bet-event').selectedOptions[0].dataset.ratio;
      const answer = await fetchJson('/bet', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': newKey() },
        body: JSON.stringify({ event_id: eventId, sum_bet: amount.value.trim(), ratio: String(seen), accept_odds: 'exact' }),
      });
      if (!answer.ok) {
        if (answer.status === 409 && answer.body && answer.body.ratio !== undefined) {
          offerNewRatio(answer.body.ratio);
          return;
        }
        if (problems.insufficientFunds(answer)) {
          amount.classList.add('invalid');
          if (wallet) {
            wallet.balance = answer.body.balance; // the balance now, as the refusal tells it
            renderWallet();
          }
        }
        error.textContent = say(answer, {
          notFound: eventId + ' is no longer on the line: choose another event.',
          conflict: 'Bets on ' + eventId + ' are closed now (it finished, its deadline passed, or it is paused): choose another event.',
          unknown: 'The server could not confirm whether your bet was placed: look for it in My bets before placing it again.',
        });
        if ((answer.body && answer.body.errors || []).some((e) => e.field === 'sum_bet')) amount.classList.add('invalid');
        return;
      }
      bets.set(answer.body.bet_id, answer.body);
      listenToPlayer();
      renderBets(answer.body.bet_id);
      amount.value = '';
      refreshWallet(); // the stake left the balance
    } finally {
      $('bet-submit').disabled = false;
    }
  }

  // The ratio moved between what the player saw and the bet: say so, and offer the new one.
  function offerNewRatio(ratio) {
    const error = $('bet-error');
    error.textContent = 'The ratio moved to ' + money(ratio) + ' — ';
    const accept = document.createElement('button');
    accept.type = 'button';
    accept.id = 'odds-accept';
    accept.className = 'secondary';
    accept.textContent = 'place at ' + money(ratio) + '?';
    accept.onclick = () => placeBet(null, money(ratio));
    error.appendChild(accept);
  }

  function connect() {
    bus = new EventBus('/eventbus');
    bus.enableReconnect(true);
    let opened = false;
    bus.onopen = () => {
      // Pushes sent while the bridge was away are lost: read the wallet again on a reconnect.
      if (opened) refreshWallet();
      opened = true;
      $('connection').textContent = 'live';
      $('connection').className = 'live';
      registered.clear();
      registered.add('events.open');
      bus.registerHandler('events.open', (err, message) => {
        if (!err) applyEvent(message.body);
      });
      listenToPlayer();
      loadEvents();
    };
    // The bridge refuses to let a token that is not valid (expired, say) listen to its player's bets.
    bus.onerror = (failure) => {
      if (failure && failure.body === 'rejected') {
        $('bets-error').textContent = say({ status: 401 }, {});
        // Only a player's address can be refused: a new token registers it again.
        [...registered].filter((address) => address.startsWith('players.')).forEach((address) => registered.delete(address));
      }
    };
    bus.onclose = () => {
      $('connection').textContent = 'reconnecting…';
      $('connection').className = '';
    };
  }

  $('bet-form').addEventListener('submit', placeBet);
  setInterval(() => renderEvents(), 1000); // deadlines count down and close
  Promise.all([loadEvents(), loadBets(), refreshWallet()]).then(connect);
})();
