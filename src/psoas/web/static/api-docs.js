/* psoas API docs: start Swagger UI (served by this app from its PyPI package) on the page's
 * OpenAPI document. Kept out of the page because the content security policy allows no
 * inline script. */
"use strict";

(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
})();
