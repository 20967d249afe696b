/** The one HTML escaper and document shell the readiness report file and every webview page are built on. */
import * as assert from 'node:assert/strict';
import { escapeHtml, htmlDocument } from '../../../src/core/html';

describe('escapeHtml and htmlDocument (core/html.ts)', () => {
  it('escapes the five characters that can leave text or an attribute', () => {
    assert.equal(escapeHtml(`<img src=x onerror="alert('1')">&`), '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });

  it('puts the CSP first in the head and the title as text, around the head and body given', () => {
    const page = htmlDocument({ csp: "default-src 'none'", title: '</title><script>x()</script>', head: '<style></style>', bodyAttributes: ' data-root="r"', body: '<main></main>' });
    assert.match(page, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'">/);
    assert.ok(page.includes('<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>\n<style></style>\n</head>'), page);
    assert.ok(!page.includes('<script>'), 'the title reached the page unescaped');
    assert.ok(page.includes('<body data-root="r">\n<main></main>\n</body>\n</html>\n'), page);
  });
});
