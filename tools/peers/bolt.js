// Bolt for JavaScript peer: acknowledges button presses, view submissions
// and slash commands, the way resolvebot's Slack paths are hit by
// "resolvebot loadtest --peer". It answers from its own memory, never
// calling Slack: botId and botUserId stop Bolt's auth.test on the first
// request. Run: npm ci && SLACK_SIGNING_SECRET=… PORT=3986 node bolt.js
const { App } = require('@slack/bolt');
const port = Number(process.env.PORT || 3986);
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: 'xoxb-loadtest',
  tokenVerificationEnabled: false,
  botId: 'B0LOADTEST',
  botUserId: 'U0LOADBOT',
  logLevel: process.env.LOGLEVEL || 'error',
});
app.action(/.*/, async ({ ack }) => { await ack(); });
app.view(/.*/, async ({ ack }) => { await ack(); });
app.command(/.*/, async ({ ack, command }) => {
  await ack(command.text === 'help' ? 'Use /resolve to raise and follow cases.' : 'ok');
});
(async () => { await app.start(port); console.log('bolt on', port); })();
