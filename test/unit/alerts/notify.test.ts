import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FiringAlert } from '../../../src/core/alerts/evaluate';
import { noticeOf, slackEscape, slackPayload, teamsPayload } from '../../../src/core/notify/payloads';
import { postWebhook, retryAfterMs } from '../../../src/core/notify/send';
import { runCli } from '../cli';
import { writeRecord } from '../gate/records';
import { shadowRuns } from '../metrics/fixtures';

/** A local webhook: answers each request with the next scripted reply (the last one repeats) and keeps what it got. */
async function receiver(replies: readonly { status: number; headers?: Record<string, string> }[]): Promise<{ server: Server; url: string; got: { at: number; body: unknown }[] }> {
  const got: { at: number; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      got.push({ at: Date.now(), body: JSON.parse(body) as unknown });
      const reply = replies[Math.min(got.length - 1, replies.length - 1)]!;
      res.writeHead(reply.status, reply.headers).end(reply.status === 200 ? 'ok' : 'slow down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/SECRETTOKEN`, got };
}

const alert: FiringAlert = {
  name: 'CutoverKpiVarianceHigh', severity: 'critical', labels: {}, value: 0.02, threshold: 0.01, runId: 'R1',
  summary: 'worst KPI variance: 2.00% > 1.00% in workspace ws (shadow run R1) <b>&', description: 'Open run R1',
};

describe('cutover notify', () => {
  it('builds a Slack Block Kit payload (escaped) and a Teams Workflows Adaptive Card', () => {
    const notice = noticeOf('ws', [alert]);
    const slack = slackPayload(notice) as { text: string; blocks: { text: { text: string } }[] };
    assert.equal(slack.text, 'Cutover: 1 alert firing in ws');
    assert.match(slack.blocks[1]?.text.text ?? '', /2\.00% &gt; 1\.00% .*&lt;b&gt;&amp;/);
    assert.equal(slackEscape('<a&b>'), '&lt;a&amp;b&gt;');
    const teams = teamsPayload(notice) as { type: string; attachments: { contentType: string; content: { type: string; version: string; body: { text: string }[] } }[] };
    assert.equal(teams.type, 'message');
    assert.equal(teams.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(teams.attachments[0]?.content.type, 'AdaptiveCard');
    assert.ok(teams.attachments[0]?.content.body.some((b) => b.text.includes('2.00% > 1.00%')));
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 7_000), 3000);
    assert.equal(retryAfterMs(null), 1000);
    assert.equal(retryAfterMs('soon'), 1000);
  });

  it('waits the Retry-After of a 429 before sending again, and gives up after the attempts, never printing the URL', async () => {
    const r = await receiver([{ status: 429, headers: { 'Retry-After': '1' } }, { status: 200 }]);
    try {
      const attempts = await postWebhook({ name: 'SLACK_URL', url: r.url }, { text: 'hi' });
      assert.equal(attempts, 2);
      assert.ok((r.got[1]?.at ?? 0) - (r.got[0]?.at ?? 0) >= 950, 'the second try came after Retry-After');
    } finally {
      r.server.close();
    }
    const always = await receiver([{ status: 429, headers: { 'Retry-After': '0' } }]);
    try {
      await assert.rejects(postWebhook({ name: 'SLACK_URL', url: always.url }, { text: 'hi' }, { attempts: 3 }), (error: Error) => {
        assert.match(error.message, /webhook in SLACK_URL answered HTTP 429 after 3 attempts/);
        assert.ok(!error.message.includes('SECRETTOKEN'));
        return true;
      });
      assert.equal(always.got.length, 3);
    } finally {
      always.server.close();
    }
  });

  it('posts the firing alerts to the webhook in the env var cutover.json names; an unset variable is named, not guessed', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'cutover-notify-'));
    const r = await receiver([{ status: 200 }]);
    try {
      for (const run of shadowRuns()) writeRecord(ws, run);
      const config = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'loan-cutover', 'cutover.json'), 'utf8')
        .replace('"defaultInput"', '"monitoring": { "workspace": "loans", "staleHours": 100000, "notify": { "slackWebhookEnv": "CUTOVER_TEST_SLACK" } },\n  "defaultInput"');
      writeFileSync(join(ws, 'cutover.json'), config);
      delete process.env['CUTOVER_TEST_SLACK'];
      const unset = await runCli(['notify'], ws);
      assert.equal(unset.code, 3);
      assert.match(unset.stderr, /CUTOVER_TEST_SLACK is not set/);
      process.env['CUTOVER_TEST_SLACK'] = r.url;
      const sent = await runCli(['notify'], ws);
      assert.equal(sent.code, 0, sent.stderr);
      assert.equal(r.got.length, 1);
      const body = JSON.stringify(r.got[0]?.body);
      assert.match(body, /CutoverKpiVarianceHigh/);
      assert.match(body, /20260102-000000-000-bbbbbb/);
      assert.ok(!`${sent.stdout}${sent.stderr}`.includes('SECRETTOKEN'), 'the webhook URL is never printed');
    } finally {
      delete process.env['CUTOVER_TEST_SLACK'];
      r.server.close();
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
