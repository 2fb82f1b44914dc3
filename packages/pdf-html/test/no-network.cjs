// Preloaded with `node --require` (which, unlike --import, also runs in every worker thread):
// any attempt to reach the network throws, in the main thread and in the OCR workers alike.
// Local IPC (a socket path, as tsx uses) is not the network and stays open.
const workerThreads = require('node:worker_threads');
const { threadId } = workerThreads;
const dgram = require('node:dgram');
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const refuse = (what) => {
  process.stderr.write(`network access attempted in thread ${threadId}: ${what}\n`);
  throw new Error(`network access refused (${what})`);
};
const ipcOnly = (original) =>
  function connect(...args) {
    const first = args[0];
    const local = typeof first === 'string' ? !/^\d+$/.test(first) : first && typeof first === 'object' && 'path' in first && !('port' in first);
    if (!local) refuse('net.connect');
    return original.apply(this, args);
  };
globalThis.fetch = () => refuse('fetch');
http.request = http.get = () => refuse('http');
https.request = https.get = () => refuse('https');
dgram.createSocket = () => refuse('dgram');
dns.lookup = () => refuse('dns');
net.connect = ipcOnly(net.connect);
net.createConnection = ipcOnly(net.createConnection);
// Name each worker thread started, so a test can tie "trap installed in thread N" to the OCR workers.
const Worker = workerThreads.Worker;
workerThreads.Worker = class extends Worker {
  constructor(file, options) {
    super(file, options);
    process.stderr.write(`worker thread ${this.threadId} started: ${file}\n`);
  }
};
process.stderr.write(`network trap installed in thread ${threadId}\n`);
