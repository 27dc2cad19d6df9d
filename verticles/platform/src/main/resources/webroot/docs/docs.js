// The API docs at /docs: this service's OpenAPI document (/openapi.json) rendered by Swagger UI,
// both from this same server; nothing is loaded from outside it. The document's server is "/", so
// "Try it out" calls the address this page was opened at.
(function () {
  'use strict';

  const ui = window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#docs',
    deepLinking: true,
    // No badge fetched from an online validator: the tests check the document against the services.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    onComplete: () => {
      // The link back names the service: "← line-provider's page", from the document's title.
      const service = String(ui.specSelectors.info().get('title') || '').replace(/^Event Walker\s*/, '');
      if (service) document.getElementById('page-link').textContent = '← ' + service + '\'s page';
    },
  });
})();
