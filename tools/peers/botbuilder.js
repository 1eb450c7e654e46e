// Bot Framework SDK peer: answers a message with a reply sent to the
// activity's serviceUrl (the load test's fake Bot Connector). No app id,
// so tokens are not checked, as resolvebot runs with teams.insecure_no_auth.
// The reply is sent before the 200, as the SDK's CloudAdapter does.
// Run: npm ci && PORT=3987 node botbuilder.js
const http = require('http');
const { CloudAdapter, ConfigurationBotFrameworkAuthentication, ActivityHandler } = require('botbuilder');
const port = Number(process.env.PORT || 3987);
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
adapter.onTurnError = async (ctx, err) => { console.error('turn error', err.message); };
class Bot extends ActivityHandler {
  constructor() { super(); this.onMessage(async (ctx, next) => { await ctx.sendActivity('Use help to see what I can do.'); await next(); }); }
}
const bot = new Bot();
http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/messages') { res.statusCode = 404; return res.end(); }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try { req.body = JSON.parse(Buffer.concat(chunks).toString()); } catch { res.statusCode = 400; return res.end(); }
    const r = { status(c) { res.statusCode = c; return r; }, header(k, v) { res.setHeader(k, v); return r; },
      send(b) { if (b !== undefined) res.write(typeof b === 'string' ? b : JSON.stringify(b)); return r; }, end() { res.end(); return r; } };
    await adapter.process(req, r, (ctx) => bot.run(ctx));
  });
}).listen(port, '127.0.0.1', () => console.log('botbuilder on', port));
