// Writes KERI test vectors computed by signify-ts (WebOfTrust's TypeScript KERI library), an
// implementation independent of ours, to the path given as the first argument.
//
// Everything here is deterministic: fixed Ed25519 seeds and P-256 scalars, fixed seals, and
// Ed25519 signatures (deterministic by RFC 8032). Re-running must reproduce the file byte for
// byte; scripts/gen_keri_vectors.sh is the entry point.
//
// signify-ts 0.3.0 signs with Ed25519 only. For P-256 it still encodes the verkey (1AAJ),
// digests it and builds the events, so the P-256 KEL has serializations and SAIDs from
// signify-ts; its signatures are made by the C++ test itself.
import { createECDH, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
    ready,
    Signer,
    Verfer,
    Diger,
    Siger,
    Seqner,
    Counter,
    CtrDex,
    MtrDex,
    incept,
    rotate,
    interact,
} from 'signify-ts';

await ready();

const out = process.argv[2];
if (!out) {
    console.error('usage: node gen.mjs <output.json>');
    process.exit(1);
}

const enc = new TextEncoder();
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (h) => new Uint8Array(Buffer.from(h, 'hex'));

// Fixed secrets: SHA-256 of a label, so they are reproducible and obviously test-only.
const secret = (label) => createHash('sha256').update(`auths-hooks test key ${label}`).digest();

const keys = {};
function ed25519Key(name) {
    const seed = new Uint8Array(secret(name));
    const signer = new Signer({ raw: seed, code: MtrDex.Ed25519_Seed, transferable: true });
    keys[name] = {
        type: 'ed25519',
        secret_hex: hex(seed),
        public_hex: hex(signer.verfer.raw),
        qb64: signer.verfer.qb64,
        // The next-key commitment: Blake3-256 of the verkey's qb64 text, E-coded.
        digest: new Diger({ code: MtrDex.Blake3_256 }, signer.verfer.qb64b).qb64,
    };
    return signer;
}

function p256Key(name) {
    const scalar = secret(name);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(scalar);
    const point = new Uint8Array(ecdh.getPublicKey(null, 'compressed'));
    const verfer = new Verfer({ raw: point, code: MtrDex.ECDSA_256r1 });
    keys[name] = {
        type: 'p256',
        secret_hex: hex(scalar),
        public_hex: hex(point),
        qb64: verfer.qb64,
        digest: new Diger({ code: MtrDex.Blake3_256 }, verfer.qb64b).qb64,
    };
    return verfer;
}

function attachment(sigers) {
    let text = new Counter({ code: CtrDex.ControllerIdxSigs, count: sigers.length }).qb64;
    for (const s of sigers) {
        text += s.qb64;
    }
    return text;
}

// A source seal couple group: "-G" counter, then the Seqner and SAID of the delegator's event
// that anchors a delegated event (keripy appends it after the signatures).
function sourceSeal(sn, said) {
    return new Counter({ code: CtrDex.SealSourceCouples, count: 1 }).qb64 + new Seqner({ sn }).qb64 + said;
}

// One event of a KEL: exact serialization, its SAID, and (for Ed25519) its attachment; for a
// delegated event, `source` ({ s, d }: the delegator's anchoring event) adds a -G couple.
function record(serder, signers, indices, source) {
    const ev = {
        t: serder.sad.t,
        s: serder.sad.s,
        said: serder.sad.d,
        raw: serder.raw,
    };
    if (signers) {
        const sigers = signers.map((signer, j) => signer.sign(enc.encode(serder.raw), indices[j], false, indices[j]));
        ev.signers = indices;
        ev.attachment = attachment(sigers);
        if (source) {
            ev.source_seal = { s: source.s, d: source.d };
            ev.attachment += sourceSeal(parseInt(source.s, 16), source.d);
        }
    } else if (source) {
        // Unsigned (P-256): the -G group alone, which follows whatever signatures are attached.
        ev.source_seal = { s: source.s, d: source.d };
        ev.source_group = sourceSeal(parseInt(source.s, 16), source.d);
    }
    return ev;
}

const kels = [];

// 1. One Ed25519 key, pre-rotated: icp, ixn with two seals, rot, ixn.
{
    const k0 = ed25519Key('single-0');
    const k1 = ed25519Key('single-1');
    ed25519Key('single-2');
    const icp = incept({
        keys: [keys['single-0'].qb64],
        isith: '1',
        ndigs: [keys['single-1'].digest],
        nsith: '1',
        code: MtrDex.Blake3_256,
    });
    const pre = icp.sad.i;
    const ixn1 = interact({
        pre,
        dig: icp.sad.d,
        sn: 1,
        data: [{ d: keys['single-2'].digest }, { i: pre, s: '0', d: icp.sad.d }],
        version: undefined,
        kind: undefined,
    });
    const rot = rotate({
        pre,
        keys: [keys['single-1'].qb64],
        dig: ixn1.sad.d,
        sn: 2,
        isith: '1',
        ndigs: [keys['single-2'].digest],
        nsith: '1',
    });
    const ixn2 = interact({ pre, dig: rot.sad.d, sn: 3, data: [], version: undefined, kind: undefined });
    kels.push({
        name: 'single-ed25519',
        prefix: pre,
        events: [
            record(icp, [k0], [0]),
            record(ixn1, [k0], [0]),
            record(rot, [k1], [0]),
            record(ixn2, [k1], [0]),
        ],
    });
}

// 2. Three Ed25519 keys, threshold 2 of 3, rotated to three new keys (2 of 3).
{
    const cur = [0, 1, 2].map((i) => ed25519Key(`multi-cur-${i}`));
    const nxt = [0, 1, 2].map((i) => ed25519Key(`multi-next-${i}`));
    [0, 1, 2].forEach((i) => ed25519Key(`multi-after-${i}`));
    const icp = incept({
        keys: [0, 1, 2].map((i) => keys[`multi-cur-${i}`].qb64),
        isith: '2',
        ndigs: [0, 1, 2].map((i) => keys[`multi-next-${i}`].digest),
        nsith: '2',
        code: MtrDex.Blake3_256,
    });
    const pre = icp.sad.i;
    const rot = rotate({
        pre,
        keys: [0, 1, 2].map((i) => keys[`multi-next-${i}`].qb64),
        dig: icp.sad.d,
        sn: 1,
        isith: '2',
        ndigs: [0, 1, 2].map((i) => keys[`multi-after-${i}`].digest),
        nsith: '2',
    });
    const ixn = interact({
        pre,
        dig: rot.sad.d,
        sn: 2,
        data: [{ d: 'EAuthsTestSealNotADigestButAnOpaqueStringXyz' }],
        version: undefined,
        kind: undefined,
    });
    kels.push({
        name: 'multi-ed25519-2of3',
        prefix: pre,
        events: [
            record(icp, [cur[0], cur[2]], [0, 2]),
            record(rot, [nxt[0], nxt[1]], [0, 1]),
            record(ixn, [nxt[1], nxt[2]], [1, 2]),
        ],
    });
}

// 3. One P-256 key: icp, rot, ixn (serializations only; the C++ test signs).
{
    p256Key('p256-0');
    p256Key('p256-1');
    p256Key('p256-2');
    const icp = incept({
        keys: [keys['p256-0'].qb64],
        isith: '1',
        ndigs: [keys['p256-1'].digest],
        nsith: '1',
        code: MtrDex.Blake3_256,
    });
    const pre = icp.sad.i;
    const rot = rotate({
        pre,
        keys: [keys['p256-1'].qb64],
        dig: icp.sad.d,
        sn: 1,
        isith: '1',
        ndigs: [keys['p256-2'].digest],
        nsith: '1',
    });
    const ixn = interact({ pre, dig: rot.sad.d, sn: 2, data: [{ d: keys['p256-0'].digest }], version: undefined, kind: undefined });
    kels.push({
        name: 'single-p256',
        prefix: pre,
        events: [record(icp), record(rot), record(ixn)],
    });
}

// 4. Seals whose serialization is easy to get wrong: nested objects and arrays, integers,
// booleans, null, non-ASCII text, U+2028, control characters, quotes and backslashes.
{
    const s0 = ed25519Key('seals-0');
    ed25519Key('seals-1');
    const icp = incept({
        keys: [keys['seals-0'].qb64],
        isith: '1',
        ndigs: [keys['seals-1'].digest],
        nsith: '1',
        code: MtrDex.Blake3_256,
        data: [{ d: keys['seals-1'].digest }],
    });
    const pre = icp.sad.i;
    const ixn = interact({
        pre,
        dig: icp.sad.d,
        sn: 1,
        data: [
            { z: 'last key first', a: [1, -2, 9007199254740991, true, false, null], n: { y: {}, x: [] } },
            { t: 'caf\u00e9 \u65e5\u672c \u{1F600} \u2028 tab\t nl\n cr\r \u0001 \u001f \u007f "q" \\b /' },
        ],
        version: undefined,
        kind: undefined,
    });
    kels.push({
        name: 'seals-ed25519',
        prefix: pre,
        events: [record(icp, [s0], [0]), record(ixn, [s0], [0])],
    });
}

// 5. Delegation: a delegator (icp, ixn anchoring the delegate's dip, ixn anchoring its drt) and
// a delegate (dip, drt) whose attachments carry -G couples naming those anchoring events. The
// delegator's KEL comes first, so that a reader replaying the KELs in order finds the seals.
// signify-ts 0.3.0 writes the drt without `di`, like a rot (rotate with ilk 'drt').
{
    const r0 = ed25519Key('delegator-0');
    ed25519Key('delegator-1');
    const d0 = ed25519Key('delegate-0');
    const d1 = ed25519Key('delegate-1');
    ed25519Key('delegate-2');
    const icp = incept({
        keys: [keys['delegator-0'].qb64],
        isith: '1',
        ndigs: [keys['delegator-1'].digest],
        nsith: '1',
        code: MtrDex.Blake3_256,
    });
    const delpre = icp.sad.i;
    const dip = incept({
        keys: [keys['delegate-0'].qb64],
        isith: '1',
        ndigs: [keys['delegate-1'].digest],
        nsith: '1',
        delpre,
    });
    const pre = dip.sad.i;
    const ixn1 = interact({
        pre: delpre,
        dig: icp.sad.d,
        sn: 1,
        data: [{ i: pre, s: dip.sad.s, d: dip.sad.d }],
        version: undefined,
        kind: undefined,
    });
    const drt = rotate({
        pre,
        keys: [keys['delegate-1'].qb64],
        dig: dip.sad.d,
        sn: 1,
        isith: '1',
        ndigs: [keys['delegate-2'].digest],
        nsith: '1',
        ilk: 'drt',
    });
    const ixn2 = interact({
        pre: delpre,
        dig: ixn1.sad.d,
        sn: 2,
        data: [{ i: pre, s: drt.sad.s, d: drt.sad.d }],
        version: undefined,
        kind: undefined,
    });
    kels.push({
        name: 'delegator-ed25519',
        prefix: delpre,
        events: [record(icp, [r0], [0]), record(ixn1, [r0], [0]), record(ixn2, [r0], [0])],
    });
    kels.push({
        name: 'delegate-ed25519',
        prefix: pre,
        delegator: delpre,
        events: [
            record(dip, [d0], [0], { s: ixn1.sad.s, d: ixn1.sad.d }),
            record(drt, [d1], [0], { s: ixn2.sad.s, d: ixn2.sad.d }),
        ],
    });
}

// 6. More delegation, built in the order it would happen: two delegators (root-a, Ed25519, and
// root-b, P-256; both rotate on the way), their delegates (Ed25519 and P-256, one key and
// several, one with 11 then 12 keys so that kt, nt and the signature count are beyond 9; seals
// in `a`; one rotating three times, its last drt at s "a" anchored by root-a's event "a"), and
// a delegate of a delegate (nested, delegated by chain). Every dip and drt is anchored by an ixn
// of its delegator holding the KeyEvent seal {i, s, d}, which its -G couple names.
// P-256 identifiers are unsigned here (signify-ts 0.3.0 cannot sign with P-256): for their
// delegated events the -G group is recorded on its own (source_group).
{
    const ids = [];
    const signers = {};
    // Key names `${label}-0` .. `${label}-${count - 1}`, made as Ed25519 or P-256 keys.
    const names = (label, count) => Array.from({ length: count }, (_, i) => `${label}-${i}`);
    const ed = (label, count) => names(label, count).forEach((n) => (signers[n] = ed25519Key(n)));
    const p256 = (label, count) => names(label, count).forEach((n) => p256Key(n));

    // An identifier under construction: its events so far, and who signs its ixn events.
    const identifier = (name, delegator) => {
        const id = { name, delegator, prefix: undefined, said: undefined, sn: -1, events: [] };
        ids.push(id);
        return id;
    };
    const add = (id, serder, signing, source) => {
        const list = signing && signing.keys.map((n) => signers[n]);
        id.events.push(record(serder, list, signing && signing.indices, source));
        id.prefix = serder.sad.i;
        id.said = serder.sad.d;
        id.sn = parseInt(serder.sad.s, 16);
        if (serder.sad.t !== 'ixn') {
            id.signing = signing;
        }
        return serder;
    };
    const ixn = (id, data) => {
        const ev = interact({ pre: id.prefix, dig: id.said, sn: id.sn + 1, data, version: undefined, kind: undefined });
        return add(id, ev, id.signing);
    };
    // The delegator's ixn holding the KeyEvent seal of a dip or drt; returns its { s, d }.
    const anchor = (delegator, serder) => {
        const held = ixn(delegator, [{ i: serder.sad.i, s: serder.sad.s, d: serder.sad.d }]);
        return { s: held.sad.s, d: held.sad.d };
    };
    // spec: { keys, isith, next, nsith, data } with key names; sign: the indices of the keys
    // that sign (Ed25519), or nothing (P-256).
    const signing = (spec, sign) => sign && { keys: sign.map((i) => spec.keys[i]), indices: sign };
    const inception = (id, spec, sign) => {
        const args = {
            keys: spec.keys.map((n) => keys[n].qb64),
            isith: spec.isith,
            ndigs: spec.next.map((n) => keys[n].digest),
            nsith: spec.nsith,
            data: spec.data,
        };
        if (!id.delegator) {
            return add(id, incept({ ...args, code: MtrDex.Blake3_256 }), signing(spec, sign));
        }
        const dip = incept({ ...args, delpre: id.delegator.prefix });
        return add(id, dip, signing(spec, sign), anchor(id.delegator, dip));
    };
    const rotation = (id, spec, sign) => {
        const ev = rotate({
            pre: id.prefix,
            keys: spec.keys.map((n) => keys[n].qb64),
            dig: id.said,
            sn: id.sn + 1,
            isith: spec.isith,
            ndigs: spec.next.map((n) => keys[n].digest),
            nsith: spec.nsith,
            data: spec.data,
            ilk: id.delegator ? 'drt' : 'rot',
        });
        return add(id, ev, signing(spec, sign), id.delegator ? anchor(id.delegator, ev) : undefined);
    };
    // One key, `${label}-${i}`, committing to the next one.
    const one = (label, i) => ({ keys: [`${label}-${i}`], isith: '1', next: [`${label}-${i + 1}`], nsith: '1' });
    // `count` keys of `label`, committing to as many of `next`.
    const many = (label, count, isith, next, nsith) => ({
        keys: names(label, count),
        isith,
        next: names(next, count),
        nsith,
    });

    ed('root-a', 3);
    p256('root-b', 3);
    ed('chain', 5);
    ed('nested', 3);
    ed('wide-cur', 11);
    ed('wide-next', 12);
    ed('wide-after', 12);
    p256('p256-multi-cur', 3);
    p256('p256-multi-next', 3);
    p256('p256-multi-after', 3);
    p256('p256-dlg', 4);
    ed('ed-multi-cur', 3);
    ed('ed-multi-next', 3);
    ed('ed-multi-after', 3);

    const rootA = identifier('delegator-root-a-ed25519');
    const rootB = identifier('delegator-root-b-p256');
    const chain = identifier('delegate-chain-ed25519', rootA);
    const nested = identifier('delegate-nested-ed25519', chain);
    const wide = identifier('delegate-wide-ed25519-10of11', rootA);
    const p256Multi = identifier('delegate-p256-2of3', rootA);
    const p256Single = identifier('delegate-p256', rootB);
    const edMulti = identifier('delegate-ed25519-2of3', rootB);

    inception(rootA, one('root-a', 0), [0]);
    ixn(rootA, [{ d: keys['root-a-2'].digest }]);
    inception(rootB, one('root-b', 0));
    inception(chain, one('chain', 0), [0]);
    rotation(chain, one('chain', 1), [0]);
    const edMultiSeals = [{ d: keys['ed-multi-after-0'].digest }];
    inception(edMulti, { ...many('ed-multi-cur', 3, '2', 'ed-multi-next', '2'), data: edMultiSeals }, [0, 2]);
    ixn(chain, [{ d: keys['chain-4'].digest }]);
    inception(nested, one('nested', 0), [0]);
    rotation(rootB, one('root-b', 1));
    const p256Seals = [{ d: keys['root-b-0'].digest }, { i: rootB.prefix, s: '0', d: rootB.events[0].said }];
    inception(p256Single, { ...one('p256-dlg', 0), data: p256Seals });
    rotation(edMulti, many('ed-multi-next', 3, '2', 'ed-multi-after', '2'), [1, 2]);
    // 11 keys, 10 must sign (kt "a"), 10 of the 11 next ones too (nt "a").
    inception(wide, many('wide-cur', 11, 'a', 'wide-next', 'a'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
    rotation(rootA, one('root-a', 1), [0]);
    inception(p256Multi, many('p256-multi-cur', 3, '2', 'p256-multi-next', '2'));
    rotation(p256Single, one('p256-dlg', 1));
    const chainSeals = [{ d: keys['nested-2'].digest }, { d: `agent:${nested.prefix}` }];
    rotation(chain, { ...one('chain', 2), data: chainSeals }, [0]);
    ixn(chain, []);
    // 11 keys to 12: the first 11 were committed to, the twelfth is new; 11 of 12 sign (kt "b").
    rotation(wide, many('wide-next', 12, 'b', 'wide-after', 'a'), Array.from({ length: 11 }, (_, i) => i));
    rotation(p256Multi, many('p256-multi-next', 3, '2', 'p256-multi-after', '2'));
    rotation(p256Single, one('p256-dlg', 2));
    rotation(nested, one('nested', 1), [0]);
    ixn(chain, [{ d: keys['wide-after-0'].digest }]);
    ixn(chain, []);
    ixn(chain, []);
    rotation(chain, one('chain', 3), [0]);

    for (const id of ids) {
        const kel = { name: id.name, prefix: id.prefix };
        if (id.delegator) {
            kel.delegator = id.delegator.prefix;
        }
        kel.events = id.events;
        kels.push(kel);
    }
}

// (No abandonment vector: signify-ts 0.3.0's rotate() refuses a next threshold of 0, which
// keripy uses to abandon an identifier. The C++ tests build that case themselves.)

// Digests of arbitrary text (Blake3-256, E-coded).
const digests = ['', 'abc', 'did:keri:test', 'x'.repeat(2000)].map((text) => ({
    text,
    qb64: new Diger({ code: MtrDex.Blake3_256 }, enc.encode(text)).qb64,
}));

// Indexed signatures in every code we read, from fixed 64-byte raw values.
const raw64 = new Uint8Array(createHash('sha512').update('auths-hooks test signature').digest());
const sigers = [
    { code: 'A', index: 0 },
    { code: 'A', index: 5 },
    { code: 'A', index: 63 },
    { code: 'B', index: 2 },
    { code: 'E', index: 1 },
    { code: 'F', index: 3 },
    { code: '2A', index: 70, ondex: 3 },
    { code: '2A', index: 4095, ondex: 4095 },
    { code: '2B', index: 100 },
    { code: '2E', index: 64, ondex: 0 },
    { code: '2F', index: 1 },
].map((c) => {
    const s = new Siger({ raw: raw64, code: c.code, index: c.index, ondex: c.ondex });
    return { code: c.code, index: c.index, ondex: s.ondex === undefined ? null : s.ondex, sig_hex: hex(raw64), qb64: s.qb64 };
});

const doc = {
    generator: `signify-ts ${process.env.SIGNIFY_TS_VERSION ?? ''} via scripts/gen_keri_vectors.sh`.replace('  ', ' '),
    keys,
    kels,
    digests,
    sigers,
};
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
console.log(`wrote ${out}`);
