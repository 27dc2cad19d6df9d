// What a failed request means, said to the person at the page (what happened, what to do next),
// instead of the API's problem wording. Shared by both pages: window.EventWalkerProblems.
(function () {
  'use strict';

  // The claims of a JWT, read without checking it (the server checks it); null if it is not one.
  function claims(token) {
    const parts = (token || '').trim().split('.');
    if (parts.length !== 3) return null;
    try {
      const payload = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload + '='.repeat((4 - payload.length % 4) % 4)));
    } catch (e) {
      return null;
    }
  }

  // Why a credential was refused (401): missing, expired, or not one this server accepts.
  // kind: 'player' or 'operator'.
  function credential(token, kind) {
    if (!token || !token.trim()) {
      return kind === 'operator'
        ? 'Paste an operator token first (java -jar … token NAME --operator).'
        : 'Paste your player token first (java -jar … token NAME).';
    }
    const read = claims(token);
    if (read && typeof read.exp === 'number' && read.exp * 1000 <= Date.now()) {
      return 'Your session has expired: paste a new token.';
    }
    return kind === 'operator' && !read
      ? 'This operator key is not accepted: paste a valid key or an operator token.'
      : 'This token is not accepted here: paste a new one.';
  }

  function fields(problem, labels) {
    return (problem && problem.errors || []).map((e) => {
      const label = e.field ? (labels[e.field] || e.field.replace(/_/g, ' ')) + ': ' : '';
      return label + e.message;
    });
  }

  // A refusal because the balance does not cover it: 409, problem type …insufficient-funds, with the
  // player's balance now.
  function insufficientFunds(answer) {
    return answer.status === 409 && /insufficient-funds$/.test(answer.body && answer.body.type || '');
  }

  function money(value) {
    return Number(value).toFixed(2);
  }

  // answer: {status, body, retryAfter} (status 0: the server was not reached).
  // context: {kind: 'player'|'operator', token, labels: {field: label}, notFound, conflict, unknown}.
  function say(answer, context) {
    const problem = answer.body || {};
    const labels = context.labels || {};
    switch (true) {
      case answer.status === 0:
        return 'The server cannot be reached: check that it is running and that you are online, then try again.';
      case answer.status === 400: {
        const said = fields(problem, labels);
        return said.length ? said.join('; ') : 'The request was not understood: check what you typed.';
      }
      case answer.status === 401:
        return credential(context.token, context.kind);
      case answer.status === 403:
        return context.kind === 'operator'
          ? 'This token may not change the line (it is not an operator\'s): paste an operator token (java -jar … token NAME --operator).'
          : 'This token may not do that.';
      case answer.status === 404:
        return context.notFound || 'It no longer exists: reload the page.';
      case insufficientFunds(answer):
        return problem.balance === undefined || problem.balance === null
          ? 'Not enough money for that: your balance does not cover it.'
          : 'Not enough money: your balance is ' + money(problem.balance) + '.';
      case answer.status === 409:
        return context.conflict || 'It changed meanwhile: look at it again, then retry.';
      case answer.status === 413:
        return 'That is more than the server takes at once.';
      case answer.status === 429:
        return 'Too many requests: wait ' + (answer.retryAfter || 'a few') + ' seconds, then try again.';
      case answer.status === 503:
        return 'The service is busy or one of its parts is down, and nothing was changed: try again in a moment.';
      case answer.status === 500 && /outcome-unknown/.test(problem.type || ''):
        return context.unknown || 'The server could not confirm whether this went through: look before trying again.';
      default:
        return 'Something went wrong on the server (' + answer.status + '): try again in a moment.';
    }
  }

  // fetch(), answered as {ok, status, body, retryAfter}; a server not reached is status 0.
  async function request(url, options) {
    let response;
    try {
      response = await fetch(url, options);
    } catch (unreached) {
      return { ok: false, status: 0, body: null };
    }
    const body = await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, body, retryAfter: response.headers.get('Retry-After') };
  }

  window.EventWalkerProblems = { say, request, claims, credential, insufficientFunds };
})();
