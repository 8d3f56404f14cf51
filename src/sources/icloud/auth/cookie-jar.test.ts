/** @module Cookie jar: Apple's Expires format, domain/path scoping, expired cookies still sent, JSON round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CookieJar, parseSetCookie } from './cookie-jar.ts';

const setup = new URL('https://setup.icloud.com/setup/ws/1/accountLogin');

test('parses Apple\'s "Tue,16-Jan-2024 02:07:19 GMT" and keeps quoted values verbatim', () => {
  const c = parseSetCookie('X-APPLE-WEBAUTH-TOKEN="v=2:t=EQ==~~";Expires=Tue,16-Jan-2024 02:07:19 GMT;Path=/;Domain=.icloud.com;Secure;HttpOnly', setup)!;
  assert.equal(c.value, '"v=2:t=EQ==~~"');
  assert.equal(c.domain, 'icloud.com');
  assert.equal(c.expires, Date.UTC(2024, 0, 16, 2, 7, 19));
});

test('domain cookies reach CloudKit hosts, not idmsa; host-only and Secure are honoured; expired ones are still sent', () => {
  const jar = new CookieJar();
  for (const h of ['A="1";Path=/;Domain=.icloud.com;Secure', 'HSA="2";Expires=Thu, 01-Jan-1970 00:16:40 GMT;Path=/;Domain=.icloud.com', 'H=3;Path=/setup']) {
    jar.set(parseSetCookie(h, setup)!);
  }
  assert.equal(jar.headerFor(new URL('https://p61-ckdatabasews.icloud.com/database/1')), 'A="1"; HSA="2"');
  assert.equal(jar.headerFor(new URL('https://idmsa.apple.com/appleauth/auth')), undefined);
  assert.equal(jar.headerFor(new URL('https://setup.icloud.com/setup/ws/1/validate')), 'A="1"; HSA="2"; H=3');
  assert.equal(jar.headerFor(new URL('http://p61.icloud.com/x')), 'HSA="2"', 'Secure cookies stay off plain HTTP');
  const again = new CookieJar(JSON.parse(JSON.stringify(jar)) as never);
  assert.equal(again.headerFor(setup), jar.headerFor(setup));
});

test('a new Set-Cookie replaces the old value', () => {
  const jar = new CookieJar();
  jar.set(parseSetCookie('scnt=1; Path=/', setup)!);
  jar.set(parseSetCookie('scnt=2; Path=/', setup)!);
  assert.equal(jar.headerFor(setup), 'scnt=2');
});
