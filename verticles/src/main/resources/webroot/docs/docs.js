// The API docs at /docs: this service's OpenAPI document (/openapi.json) rendered by Swagger UI,
// both from this same server; nothing is loaded from outside it.
(function () {
  'use strict';

  window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#docs',
    deepLinking: true,
    // No badge fetched from an online validator: the tests check the document against the services.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
})();
