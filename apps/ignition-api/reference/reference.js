// Renders /api/v1/openapi.json. "Try it out" calls this origin with the reader's cookies; an
// unsafe method carries the csrf_token cookie back as X-CSRF-Token, as the typed client does.
const csrfToken = () => {
  const match = document.cookie.match(/(?:^|;\s*)csrf_token=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : undefined;
};

window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#reference",
  docExpansion: "none",
  defaultModelsExpandDepth: 0,
  validatorUrl: null,
  requestInterceptor: (request) => {
    const token = csrfToken();
    if (token && !["GET", "HEAD", "OPTIONS"].includes(request.method)) request.headers["X-CSRF-Token"] = token;
    return request;
  },
});
