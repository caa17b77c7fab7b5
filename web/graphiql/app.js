// The GraphiQL page of `orgraph serve`, bundled with React and its styles into dist/graphiql/ by
// scripts/build-graphiql.mjs at build time, so the page loads nothing from any other host. The server
// writes the page's settings (endpoint, saved example queries, whether a token is needed) into a JSON
// block of the HTML; the bearer token is typed into the Headers editor and never stored.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';

const settings = JSON.parse(document.getElementById('orgraph-settings').textContent);

/** Posts each operation as JSON to the gateway with the headers of the Headers editor. */
async function fetcher(params, options) {
  const response = await fetch(settings.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
  }
}

// GraphiQL keeps tabs and history in localStorage, history with each operation's headers even when
// shouldPersistHeaders is off: every value is stored without its `headers`, so no token is kept.
function withoutHeaders(value) {
  try {
    return JSON.stringify(JSON.parse(value), (key, v) => (key === 'headers' ? undefined : v));
  } catch {
    return value;
  }
}
const storage = {
  getItem: (key) => localStorage.getItem(key),
  setItem: (key, value) => localStorage.setItem(key, withoutHeaders(value)),
  removeItem: (key) => localStorage.removeItem(key),
  clear: () => localStorage.clear(),
  key: (index) => localStorage.key(index),
  get length() {
    return localStorage.length;
  },
};

const headers = settings.authRequired
  ? JSON.stringify({ Authorization: 'Bearer PASTE-YOUR-TOKEN' }, null, 2)
  : '';

createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultTabs: settings.examples.map((example) => ({
      query: example.query,
      variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined,
      headers,
    })),
    defaultHeaders: headers,
    shouldPersistHeaders: false,
    storage,
    defaultEditorToolsVisibility: settings.authRequired ? 'headers' : false,
  }),
);
