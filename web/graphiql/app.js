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
    defaultEditorToolsVisibility: settings.authRequired ? 'headers' : false,
  }),
);
