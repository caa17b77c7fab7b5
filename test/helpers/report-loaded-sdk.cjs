// Preloaded into an `orgraph` child process (NODE_OPTIONS=--require …): says on stderr whether the
// process had loaded the EC2 SDK package when it sent its first HTTP request (an AWS call), and whether
// it had loaded it by its exit. The CLI loads it before anything is sent when the operation may read
// EC2, and never when it cannot.
/* global process, require */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a --require preload is CommonJS
const diagnostics = require('node:diagnostics_channel');

const loaded = () => Object.keys(require.cache).some((file) => file.includes('/@aws-sdk/client-ec2/'));
let atFirstRequest;
diagnostics.subscribe('http.client.request.start', () => {
  atFirstRequest ??= loaded();
});
process.on('exit', () => {
  process.stderr.write(`\nclient-ec2 loaded at the first request: ${atFirstRequest}; at exit: ${loaded()}\n`);
});
