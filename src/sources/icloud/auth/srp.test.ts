/** @module SRP against vectors computed independently (Python hashlib/pow from the protocol notes), both protocols. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientProof, fromBytes, g, k, makeVerifier, modPow, N, startClient, toBytes } from './srp.ts';

const salt = Buffer.from(Array.from({ length: 16 }, (_, i) => i + 1));
const account = 'jane@example.com';
const password = 'correct horse battery';
const fixed = (byte: number) => () => Buffer.alloc(32, byte);

// Generated once with a separate Python script: p = sha256(pw) (hex text for s2k_fo), P = pbkdf2(p, salt, 1000),
// x = H(salt | H(":" | P)), B = k·v + g^b with b = 0x09…09, a = 0x07…07.
const vectors = {
  s2k: { B: '45a23ca54317d8da0abd78a8a3770112f2a0cb01c3d6efa2be301f0d461df36d',
    M1: '695eb93e2168c1571b78f3941bee3816e109377a4644f0d050e6c19f07ed48af', M2: '41e12b4169dd76e829c0af9d92a1489ef8ccb9d5e9b174f969db229c87b1dac7' },
  s2k_fo: { B: '2b4acdee62cce7928bd683a6f8f66eafbf9c9d2554ce7961553e69709252d927',
    M1: 'bc49f72d49dc9c2f13b4ff90fb664bc55529098fde96d4a7db6054ea565d61a9', M2: '4ea9c203d2cbd21093e04ef42925e378a097ed80dd0e097c884a40c62ebcb367' },
} as const;

for (const protocol of ['s2k', 's2k_fo'] as const) {
  test(`SRP ${protocol}: client proof matches the independent vector`, async () => {
    const v = await makeVerifier(password, salt, 1000, protocol);
    const b = fromBytes(Buffer.alloc(32, 9));
    const B = (k * v + modPow(g, b, N)) % N;
    assert.equal(toBytes(B).toString('hex').slice(0, 64), vectors[protocol].B);
    const start = startClient(fixed(7));
    assert.ok(Buffer.from(toBytes(start.A)).toString('base64').startsWith('OmSeHBVagLvgA2TUWoTg1/am5iMGKraMFZ0Qk18U'));
    const proof = await clientProof(start, { accountName: account, password, salt, iterations: 1000, protocol, B });
    assert.equal(proof.M1.toString('hex'), vectors[protocol].M1);
    assert.equal(proof.M2.toString('hex'), vectors[protocol].M2);
  });
}

test('SRP: the two protocols derive different keys from the same password', async () => {
  assert.notEqual(await makeVerifier(password, salt, 10, 's2k'), await makeVerifier(password, salt, 10, 's2k_fo'));
});

test('SRP: rejects B ≡ 0 mod N', async () => {
  await assert.rejects(clientProof(startClient(), { accountName: account, password, salt, iterations: 1, protocol: 's2k', B: N }), /invalid/);
});
