// fakeprom.mjs -- a stand-in Prometheus for the dashboard's system-metrics
// panel in the end-to-end test: POST /api/v1/query_range answers a matrix
// of two series (instance="a" and "b", a smooth daily wave) on the asked
// grid; a query containing "broken" answers Prometheus' bad_data error.
//
//   node fakeprom.mjs [PORTFILE]   listens on a free port of 127.0.0.1 and
//                                  writes the port to PORTFILE (or stdout)
import http from 'node:http';
import fs from 'node:fs';

function matrix(q, start, end, step) {
  const result = [];
  for (const [inst, phase] of [['a', 0], ['b', 1.3]]) {
    const values = [];
    for (let t = start, n = 0; t <= end && n < 11000; t += step, n++)
      values.push([t, (50 + 30 * Math.sin(2 * Math.PI * t / 86400 + phase) + (q.length % 7)).toFixed(3)]);
    result.push({ metric: { instance: inst, job: 'node' }, values });
  }
  return { status: 'success', data: { resultType: 'matrix', result } };
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const u = new URL(req.url, 'http://x');
    const f = new URLSearchParams(req.method === 'POST' ? body : u.search);
    const q = f.get('query') || '';
    let code = 200, out;
    if (!/\/api\/v1\/query_range$/.test(u.pathname)) {
      code = 404; out = { status: 'error', errorType: 'not_found', error: 'only query_range here' };
    } else if (/broken/.test(q)) {
      code = 400; out = { status: 'error', errorType: 'bad_data', error: 'parse error at char 1: unknown function "broken"' };
    } else {
      out = matrix(q, Math.ceil(+f.get('start')), +f.get('end'), Math.max(1, +f.get('step') || 60));
    }
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(out));
  });
});
server.listen(0, '127.0.0.1', () => {
  const port = String(server.address().port);
  if (process.argv[2]) fs.writeFileSync(process.argv[2], port + '\n');
  else console.log(port);
});
