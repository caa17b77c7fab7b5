// Builds the GraphiQL page's assets (web/graphiql/app.js with GraphiQL, React and their CSS) into
// dist/graphiql/ with esbuild. Run by `npm run build` (and so by `npm ci` through `prepare`): the
// server serves these files itself and the page needs no CDN.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/graphiql/app.js' },
  outdir: 'dist/graphiql',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Fonts are data: URLs in GraphiQL's CSS already; anything else referenced is inlined too.
  loader: {
    '.woff': 'dataurl',
    '.woff2': 'dataurl',
    '.ttf': 'dataurl',
    '.svg': 'dataurl',
    '.png': 'dataurl',
  },
  legalComments: 'linked',
  logLevel: 'warning',
});
console.log('graphiql: built dist/graphiql/app.js and app.css');
