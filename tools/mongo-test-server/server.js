// Starts CongoDB (test-only MongoDB wire-protocol server, in memory) on 127.0.0.1.
// Usage: node server.js [port]   (port 0 or none = a free port)
// Prints one line "READY mongodb://127.0.0.1:PORT" when it accepts connections and stops on
// SIGTERM, SIGINT or when its stdin closes (so a test runner that dies takes it along).
import './patch.js';
import { CongoServer } from '@push.rocks/smartmongo/dist_ts/congodb/server/CongoServer.js';

const requested = Number.parseInt(process.argv[2] ?? '0', 10);
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
  console.error(`mongo-test-server: bad port '${process.argv[2]}'`);
  process.exit(2);
}

const server = new CongoServer({ host: '127.0.0.1', port: requested, storage: 'memory' });
await server.start();
// CongoServer reports the port it was given; with 0 the kernel picked one.
const port = server.server.address().port;
process.stdout.write(`READY mongodb://127.0.0.1:${port}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
