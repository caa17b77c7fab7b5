// Preloaded into an `orgraph` child process (NODE_OPTIONS=--require …): at exit, says on stderr whether
// the process loaded the EC2 SDK package, which the CLI loads only when a command makes an EC2 call.
/* global process, require */
'use strict';
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((file) => file.includes('/@aws-sdk/client-ec2/'));
  process.stderr.write(`\nclient-ec2 loaded: ${loaded}\n`);
});
