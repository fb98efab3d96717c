import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildPdf } from '../fixtures/pdf-fixture.js';
import { cmsSign, createTestPki, type TestPki } from '../fixtures/pki-fixture.js';
import { FileDetailsDocument, FileDownloadLinkDocument } from '../../clients/sdk/generated/graphql.js';
import {
  comparable,
  count,
  createDocument,
  demoIds,
  download,
  errorCode,
  httpError,
  gql,
  postFile,
  sha256Hex,
  sleep,
  sql,
  storedKeys,
  uniqueBytes,
  upload,
  type DemoIds,
  type UploadedFile,
  downloadsOf,
} from '../harness/files-helpers.js';
import { startTestEnv, type TestEnv } from '../harness/test-env.js';

/**
 * Files over HTTP and GraphQL, for both blob drivers: upload (digest, size, format, duplicate
 * content stored once, limits, authorization), download (headers, ranges, row visibility,
 * signed links, audit) and the signature outcome recorded at upload.
 */

for (const driver of ['fs', 's3'] as const) {
  describe(`files with the ${driver} driver`, () => {
    let env: TestEnv;
    let ids: DemoIds;
    before(async () => {
      env = await startTestEnv({ blobDriver: driver });
      ids = await demoIds(env);
    });
    after(async () => {
      await env.close();
    });

    it('stores an upload and answers 201 with its digest, size and media type, like file(id)', async () => {
      const pdf = buildPdf({ pageText: `upload ${driver}` }).bytes;
      const r = await postFile(
        env,
        await env.tokenFor('protocollista'),
        pdf,
        'lettera.pdf',
        'application/pdf',
      );
      assert.equal(r.status, 201);
      const body = r.body as unknown as UploadedFile;
      assert.match(body.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        { ...body, id: undefined },
        { id: undefined, sha256: sha256Hex(pdf), size: pdf.length, mediaType: 'application/pdf' },
      );
      const meta = await gql(env, 'protocollista', FileDetailsDocument, { id: body.id });
      assert.equal(meta.errors, undefined);
      assert.deepEqual(
        {
          id: meta.data?.file.id,
          sha256: meta.data?.file.sha256,
          size: meta.data?.file.size,
          mediaType: meta.data?.file.mediaType,
        },
        body,
      );
      assert.equal(meta.data?.file.originalName, 'lettera.pdf');
      assert.equal(meta.data?.file.format, 'PDF');
      assert.equal(meta.data?.file.formatAccepted, true);
      assert.equal(meta.data?.file.signature.status, 'FIRMA_MANCANTE', 'an unsigned PDF');
      assert.deepEqual(await storedKeys(env).then((k) => k.filter((key) => key.endsWith(body.sha256))), [
        `sha256/${body.sha256.slice(0, 2)}/${body.sha256.slice(2, 4)}/${body.sha256}`,
      ]);
    });

    it('keeps duplicate content once: two rows, one stored object', async () => {
      const bytes = uniqueBytes('duplicate', 4096);
      const before = await storedKeys(env);
      const a = await upload(env, 'protocollista', bytes, 'a.txt');
      const b = await upload(env, 'rpa.ragioneria', bytes, 'b.txt');
      assert.notEqual(a.id, b.id);
      assert.equal(a.sha256, b.sha256);
      assert.equal(await count(env, 'select 1 from stored_file where sha256 = $1', [a.sha256]), 2);
      const after = await storedKeys(env);
      assert.equal(after.length, before.length + 1);
      assert.equal(after.filter((k) => k.endsWith(a.sha256)).length, 1);
    });

    it('refuses uploads without a file name (400), without a token (401), without DOCUMENT_CREATE (403), saving nothing', async () => {
      const rows = await count(env, 'select 1 from stored_file');
      const keys = await storedKeys(env);
      const bytes = uniqueBytes('refused');
      const noName = await postFile(env, await env.tokenFor('protocollista'), bytes, null);
      assert.equal(noName.status, 400);
      assert.equal(httpError(noName.body)['code'], 'BAD_USER_INPUT');
      assert.equal(httpError(noName.body)['field'], 'X-File-Name');
      const anonymous = await postFile(env, null, bytes);
      assert.equal(anonymous.status, 401);
      assert.equal(httpError(anonymous.body)['code'], 'UNAUTHENTICATED');
      const admin = await postFile(env, await env.tokenFor('admin'), bytes);
      assert.equal(admin.status, 403);
      assert.equal(httpError(admin.body)['code'], 'FORBIDDEN');
      assert.equal(await count(env, 'select 1 from stored_file'), rows);
      assert.deepEqual(await storedKeys(env), keys);
    });

    it('answers 201 with a Location the bytes can be fetched from', async () => {
      const token = await env.tokenFor('protocollista');
      const r = await postFile(env, token, uniqueBytes('located'), 'located.txt');
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('location'), `/files/${String(r.body['id'])}`);
      assert.equal((await download(env, r.headers.get('location') ?? '', { token })).status, 200);
    });

    it('refuses a form (multipart or urlencoded) instead of storing it as the file', async () => {
      const rows = await count(env, 'select 1 from stored_file');
      const keys = await storedKeys(env);
      const form = new FormData();
      form.append('file', new Blob([uniqueBytes('in a form')]), 'modulo.pdf');
      const multipart = await fetch(`${env.baseUrl}/files`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await env.tokenFor('protocollista')}`,
          'x-file-name': 'modulo.pdf',
        },
        body: form,
      });
      assert.equal(multipart.status, 415);
      const e = httpError(await multipart.json());
      assert.equal(e['code'], 'UNSUPPORTED_MEDIA_TYPE');
      assert.match(String(e['message']), /raw bytes of one file/);
      const urlencoded = await postFile(
        env,
        await env.tokenFor('protocollista'),
        Buffer.from('a=1&b=2'),
        'modulo.txt',
        'application/x-www-form-urlencoded',
      );
      assert.equal(urlencoded.status, 415);
      assert.equal(await count(env, 'select 1 from stored_file'), rows);
      assert.deepEqual(await storedKeys(env), keys);
    });

    it("takes names percent-encoded or as UTF-8''…, refuses raw non-ASCII bytes and unsafe characters", async () => {
      const token = await env.tokenFor('protocollista');
      const send = (header: string) =>
        fetch(`${env.baseUrl}/files`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'x-file-name': header },
          body: uniqueBytes('named'),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));
      const name = 'Delibera n. 12 – città.pdf';
      const nameOf = async (id: unknown) =>
        (
          await sql<{ original_name: string }>(env, 'select original_name from stored_file where id = $1', [
            id,
          ])
        )[0]?.original_name;
      const percent = await send(encodeURIComponent(name));
      assert.equal(percent.status, 201);
      assert.equal(await nameOf(percent.body['id']), name);
      const rfc8187 = await send(`UTF-8''${encodeURIComponent(name)}`);
      assert.equal(rfc8187.status, 201);
      assert.equal(await nameOf(rfc8187.body['id']), name);
      const rows = await count(env, 'select 1 from stored_file');
      // What a client that puts the UTF-8 bytes straight into the header sends (read as Latin-1).
      const raw = await send(Buffer.from(name, 'utf8').toString('latin1'));
      assert.equal(raw.status, 400);
      assert.equal(httpError(raw.body)['field'], 'X-File-Name');
      assert.match(String(httpError(raw.body)['message']), /percent-encoded/);
      assert.equal((await send('%E0%A4%A')).status, 400, 'broken percent-encoding');
      for (const unsafe of [
        'fattura\u202Efdp.exe',
        'a\u2066b.pdf',
        'riga\u2028due.txt',
        'x\u2029y',
        'nel\u0085.txt',
      ]) {
        const r = await send(encodeURIComponent(unsafe));
        assert.equal(r.status, 400, JSON.stringify(unsafe));
        assert.match(String(httpError(r.body)['message']), /bidirectional|line-separator|control/);
      }
      assert.equal(await count(env, 'select 1 from stored_file'), rows);
    });

    it('downloads the exact bytes with disposition, digest, ETag and range headers; HEAD sends headers only', async () => {
      const bytes = randomBytes(3000);
      const name = 'relazione è già “finale”.bin';
      const file = await upload(env, 'protocollista', bytes, name);
      const token = await env.tokenFor('protocollista');
      const r = await download(env, file.id, { token });
      assert.equal(r.status, 200);
      assert.ok(r.body.equals(bytes));
      assert.equal(r.headers.get('content-length'), '3000');
      const disposition = r.headers.get('content-disposition') ?? '';
      assert.match(disposition, /^attachment; filename="[\x20-\x7e]+"/);
      assert.ok(disposition.includes(`filename*=UTF-8''${encodeURIComponent(name)}`), disposition);
      assert.equal(
        r.headers.get('repr-digest'),
        `sha-256=:${Buffer.from(sha256Hex(bytes), 'hex').toString('base64')}:`,
      );
      assert.equal(r.headers.get('x-content-sha256'), sha256Hex(bytes));
      assert.equal(r.headers.get('etag'), `"${sha256Hex(bytes)}"`);
      assert.equal(r.headers.get('accept-ranges'), 'bytes');
      const head = await download(env, file.id, { token, method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), '3000');
      assert.equal(head.headers.get('etag'), `"${sha256Hex(bytes)}"`);
      assert.equal(head.body.length, 0);
    });

    it('answers byte ranges: 206 with exact bytes, suffix ranges, 416 beyond the end', async () => {
      const bytes = randomBytes(1000);
      const file = await upload(env, 'protocollista', bytes);
      const token = await env.tokenFor('protocollista');
      const mid = await download(env, file.id, { token, range: 'bytes=10-19' });
      assert.equal(mid.status, 206);
      assert.ok(mid.body.equals(bytes.subarray(10, 20)));
      assert.equal(mid.headers.get('content-range'), 'bytes 10-19/1000');
      assert.equal(mid.headers.get('content-length'), '10');
      const suffix = await download(env, file.id, { token, range: 'bytes=-7' });
      assert.equal(suffix.status, 206);
      assert.ok(suffix.body.equals(bytes.subarray(993)));
      assert.equal(suffix.headers.get('content-range'), 'bytes 993-999/1000');
      const open = await download(env, file.id, { token, range: 'bytes=995-' });
      assert.equal(open.status, 206);
      assert.ok(open.body.equals(bytes.subarray(995)));
      const beyond = await download(env, file.id, { token, range: 'bytes=1000-1010' });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), 'bytes */1000');
    });

    describe('row visibility', () => {
      /** A file rpa.ragioneria uploaded, attached to no document. */
      const loose = async (): Promise<{ file: UploadedFile; bytes: Buffer }> => {
        const bytes = uniqueBytes('visibility', 2048);
        return { file: await upload(env, 'rpa.ragioneria', bytes, 'bilancio.txt'), bytes };
      };
      const attachToRag = (file: UploadedFile) =>
        createDocument(env, 'rpa.ragioneria', { uorId: ids.uor['RAG'] ?? '', primaryFileId: file.id });
      /** A file rpa.ragioneria uploaded, the primary file of a document of RAG. */
      const attached = async (): Promise<{ file: UploadedFile; bytes: Buffer }> => {
        const made = await loose();
        await attachToRag(made.file);
        return made;
      };

      it('shows a file attached to no document to its uploader only, like a missing one to everyone else', async () => {
        const { file } = await loose();
        assert.equal(
          (await download(env, file.id, { token: await env.tokenFor('rpa.ragioneria') })).status,
          200,
        );
        const mine = await gql(env, 'rpa.ragioneria', FileDetailsDocument, { id: file.id });
        assert.equal(mine.data?.file.sha256, file.sha256);
        const random = randomUUID();
        for (const user of ['segretario', 'protocollista', 'lettore', 'rpa.tecnico']) {
          const token = await env.tokenFor(user);
          const hidden = await download(env, file.id, { token });
          const missing = await download(env, random, { token });
          assert.equal(hidden.status, 404, user);
          assert.equal(missing.status, 404);
          assert.equal(
            comparable(hidden.body.toString(), file.id),
            comparable(missing.body.toString(), random),
          );
          const viaGraphql = await gql(env, user, FileDetailsDocument, { id: file.id });
          const viaRandom = await gql(env, user, FileDetailsDocument, { id: random });
          assert.equal(errorCode(viaGraphql), 'NOT_FOUND', user);
          assert.equal(viaGraphql.data, null);
          assert.equal(comparable(viaGraphql.errors, file.id), comparable(viaRandom.errors, random));
        }
      });

      it('once attached to a document of RAG: readers of RAG download it, rpa.tecnico gets 404', async () => {
        const { file, bytes } = await loose();
        await attachToRag(file);
        for (const user of ['rpa.ragioneria', 'lettore', 'segretario', 'protocollista']) {
          const r = await download(env, file.id, { token: await env.tokenFor(user) });
          assert.equal(r.status, 200, user);
          assert.ok(r.body.equals(bytes));
        }
        assert.equal(
          (await download(env, file.id, { token: await env.tokenFor('rpa.tecnico') })).status,
          404,
        );
        assert.equal(
          errorCode(await gql(env, 'rpa.tecnico', FileDetailsDocument, { id: file.id })),
          'NOT_FOUND',
        );
      });

      it('audits each successful download once, with its actor and the AOO; refused ones are not downloads', async () => {
        const { file } = await attached();
        const before = (await downloadsOf(env, file.id)).length;
        await download(env, file.id, { token: await env.tokenFor('lettore') });
        await download(env, file.id, { token: await env.tokenFor('segretario'), range: 'bytes=0-9' });
        await download(env, file.id, { token: await env.tokenFor('rpa.tecnico') });
        const rows = (await downloadsOf(env, file.id)).slice(before);
        assert.deepEqual(rows, [
          { actor_id: ids.user['lettore'], aoo_id: ids.aooId },
          { actor_id: ids.user['segretario'], aoo_id: ids.aooId },
        ]);
      });

      it('signed links: work without a token, refuse a tampered or expired one, follow the holder’s visibility', async () => {
        const { file, bytes } = await attached();
        const link = async (user: string, ttlSeconds: number): Promise<string> => {
          const r = await gql(env, user, FileDownloadLinkDocument, { id: file.id, ttlSeconds });
          assert.equal(r.errors, undefined);
          return r.data?.fileDownloadLink ?? '';
        };
        const path = await link('rpa.ragioneria', 60);
        assert.match(
          path,
          new RegExp(`^${env.baseUrl}/files/${file.id}\\?u=[0-9a-f-]+&exp=\\d+&sig=[\\w-]+$`),
          'an absolute URL',
        );
        const before = (await downloadsOf(env, file.id)).length;
        const ok = await download(env, path);
        assert.equal(ok.status, 200);
        assert.ok(ok.body.equals(bytes));
        assert.deepEqual((await downloadsOf(env, file.id)).slice(before), [
          { actor_id: ids.user['rpa.ragioneria'], aoo_id: ids.aooId },
        ]);
        const sig = /sig=([\w-]+)/.exec(path)?.[1] ?? '';
        const tampered = path.replace(`sig=${sig}`, `sig=${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`);
        assert.equal((await download(env, tampered)).status, 401);
        const otherUser = path.replace(/u=[0-9a-f-]+/, `u=${ids.user['segretario']}`);
        assert.equal((await download(env, otherUser)).status, 401, 'the link is bound to its holder');
        assert.equal(
          (await gql(env, 'rpa.tecnico', FileDownloadLinkDocument, { id: file.id, ttlSeconds: 60 }))
            .errors?.[0]?.extensions?.['code'],
          'NOT_FOUND',
        );

        const short = await link('rpa.ragioneria', 1);
        await sleep(2100);
        assert.equal((await download(env, short)).status, 401);

        const lettoreLink = await link('lettore', 300);
        assert.equal((await download(env, lettoreLink)).status, 200);
        const lettore = ids.user['lettore'];
        await sql(env, 'update membership set ended_at = now() where user_id = $1 and ended_at is null', [
          lettore,
        ]);
        try {
          assert.equal((await download(env, lettoreLink)).status, 404);
        } finally {
          await sql(env, 'update membership set ended_at = null where user_id = $1', [lettore]);
        }
        assert.equal(
          (await download(env, lettoreLink)).status,
          200,
          'visibility restored with the membership',
        );
      });
      it('a signed link opens only the file it was issued for (swapping the id in the path is refused)', async () => {
        const { file, bytes } = await attached();
        const other = uniqueBytes('another file of the same holder', 512);
        const otherFile = await upload(env, 'rpa.ragioneria', other, 'altro.txt');
        const r = await gql(env, 'rpa.ragioneria', FileDownloadLinkDocument, { id: file.id, ttlSeconds: 60 });
        const path = r.data?.fileDownloadLink ?? '';
        assert.ok(path.startsWith(`${env.baseUrl}/files/${file.id}?`));
        const swapped = path.replace(`/files/${file.id}?`, `/files/${otherFile.id}?`);
        const before = (await downloadsOf(env, otherFile.id)).length;
        const refused = await download(env, swapped);
        assert.equal(refused.status, 401);
        assert.ok(!refused.body.includes(other.subarray(0, 32)));
        assert.equal((await downloadsOf(env, otherFile.id)).length, before);
        // The holder does see the other file, and the original link still works.
        const token = await env.tokenFor('rpa.ragioneria');
        assert.equal((await download(env, otherFile.id, { token })).status, 200);
        const ok = await download(env, path);
        assert.equal(ok.status, 200);
        assert.ok(ok.body.equals(bytes));
      });
    });

    describe('signature and format outcomes', () => {
      let pki: TestPki;
      before(async () => {
        pki = await createTestPki();
      });
      after(() => pki.cleanup());

      it('a valid CAdES .p7m is FIRMA_VALIDA; the signer’s fiscal code is masked without PROTOCOL_READ_PERSONAL_DATA', async () => {
        const p7m = cmsSign(pki, [pki.valid], buildPdf({ pageText: 'determina' }).bytes);
        const file = await upload(env, 'rpa.ragioneria', p7m, 'determina.pdf.p7m');
        await createDocument(env, 'rpa.ragioneria', { uorId: ids.uor['RAG'] ?? '', primaryFileId: file.id });
        const full = await gql(env, 'protocollista', FileDetailsDocument, { id: file.id });
        assert.equal(full.errors, undefined);
        assert.equal(full.data?.file.signature.status, 'FIRMA_VALIDA');
        assert.equal(full.data?.file.signature.kind, 'CADES');
        assert.deepEqual(full.data?.file.signature.signers, [
          { commonName: 'Mario Rossi', fiscalCode: 'RSSMRA80A01H501U' },
        ]);
        const masked = await gql(env, 'lettore', FileDetailsDocument, { id: file.id });
        assert.deepEqual(masked.data?.file.signature.signers, [
          { commonName: 'Mario Rossi', fiscalCode: null },
        ]);
        assert.deepEqual(
          masked.errors?.map((e) => [e.extensions?.['code'], e.path?.join('.')]),
          [['FIELD_MASKED', 'file.signature.signers.0.fiscalCode']],
        );
      });

      it('random bytes are format OTHER, not an accepted format, without signature', async () => {
        const file = await upload(env, 'protocollista', randomBytes(512), 'blob.dat');
        const r = await gql(env, 'protocollista', FileDetailsDocument, { id: file.id });
        assert.equal(r.data?.file.format, 'OTHER');
        assert.equal(r.data?.file.formatAccepted, false);
        assert.equal(r.data?.file.signature.status, 'FIRMA_MANCANTE');
        assert.equal(file.mediaType, 'application/octet-stream');
      });
    });
  });

  describe(`upload size limit with the ${driver} driver`, () => {
    let env: TestEnv;
    before(async () => {
      env = await startTestEnv({ blobDriver: driver, env: { UPLOAD_MAX_BYTES: '1000' } });
    });
    after(async () => {
      await env.close();
    });

    const chunked = (chunks: number, size: number): ReadableStream<Uint8Array> => {
      let sent = 0;
      return new ReadableStream({
        async pull(controller) {
          if (sent === chunks) return controller.close();
          sent += 1;
          await sleep(5);
          controller.enqueue(new Uint8Array(randomBytes(size)));
        },
      });
    };
    const post = async (
      body: Buffer | ReadableStream<Uint8Array>,
    ): Promise<{ status: number; code: unknown }> => {
      const res = await fetch(`${env.baseUrl}/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await env.tokenFor('protocollista')}`, 'x-file-name': 'big.bin' },
        body,
        duplex: 'half',
      });
      return { status: res.status, code: httpError(await res.json())['code'] };
    };

    it('accepts exactly the limit, answers 413 beyond it (declared or streamed) and keeps nothing', async () => {
      const rows = await count(env, 'select 1 from stored_file');
      const keys = await storedKeys(env);
      assert.deepEqual(await post(randomBytes(1001)), { status: 413, code: 'PAYLOAD_TOO_LARGE' });
      assert.deepEqual(await post(chunked(10, 300)), { status: 413, code: 'PAYLOAD_TOO_LARGE' });
      assert.equal(await count(env, 'select 1 from stored_file'), rows);
      assert.deepEqual(await storedKeys(env), keys);
      if (env.config.blob.driver === 'fs') {
        await sleep(200);
        assert.deepEqual(await readdirOrEmpty(`${env.config.blob.dir}/tmp`), []);
      }
      assert.equal((await post(chunked(4, 250))).status, 201, 'a streamed body of exactly the limit');
      assert.equal((await post(randomBytes(1000))).status, 201);
      assert.equal(await count(env, 'select 1 from stored_file'), rows + 2);
    });

    it('a client still sending after a refusal gets it, is not reset, and its connection serves the next request', async () => {
      const { hostname, port } = new URL(env.baseUrl);
      const token = await env.tokenFor('protocollista');
      const cases = [
        { framing: 'chunked', name: 'X-File-Name: big.bin\r\n', status: 413, code: 'PAYLOAD_TOO_LARGE' },
        { framing: 'declared', name: 'X-File-Name: big.bin\r\n', status: 413, code: 'PAYLOAD_TOO_LARGE' },
        // Refused before a byte of the body is read (its reader was set up, never started).
        { framing: 'chunked', name: '', status: 400, code: 'BAD_USER_INPUT' },
      ] as const;
      for (const { framing, name, status, code } of cases) {
        const label = `${framing} ${status}`;
        const socket = connect(Number(port), hostname);
        await once(socket, 'connect');
        let answer = '';
        const errors: Error[] = [];
        socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
        socket.on('error', (e) => errors.push(e));
        const chunk = randomBytes(4000);
        socket.write(
          `POST /files HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n${name}` +
            (framing === 'chunked'
              ? 'Transfer-Encoding: chunked\r\n\r\n'
              : `Content-Length: ${20 * chunk.length}\r\n\r\n`),
        );
        // Well past the limit and past what stream buffers hold, for a while after the answer.
        for (let i = 0; i < 20; i++) {
          socket.write(
            framing === 'chunked'
              ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
              : chunk,
          );
          await sleep(15);
        }
        if (framing === 'chunked') socket.write('0\r\n\r\n');
        await sleep(100);
        assert.deepEqual(errors, [], `${label}: the connection was not reset`);
        assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), label);
        assert.match(answer, new RegExp(code), label);
        // The same connection answers the next request.
        answer = '';
        socket.write(
          `GET /files/${randomUUID()} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n\r\n`,
        );
        await sleep(300);
        assert.match(answer, /^HTTP\/1\.1 404 /, `${label}: the next request on the connection`);
        socket.destroy();
      }
    });
  });
}

describe('signed links with a shifted platform clock and a PUBLIC_URL', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      clock: { now: () => new Date(Date.now() - 86_400_000) },
      env: { PUBLIC_URL: 'https://protocollo.comune.example.it/' },
    });
  });
  after(async () => {
    await env.close();
  });

  it('expire by the clock that signed them, not the host clock; point at the public address', async () => {
    const file = await upload(env, 'protocollista', uniqueBytes('clock'));
    const r = await gql(env, 'protocollista', FileDownloadLinkDocument, { id: file.id, ttlSeconds: 60 });
    const link = r.data?.fileDownloadLink ?? '';
    assert.ok(link.startsWith(`https://protocollo.comune.example.it/files/${file.id}?`), link);
    const exp = Number(/exp=(\d+)/.exec(link)?.[1]);
    assert.ok(exp < Date.now() / 1000 - 3600, 'by the host clock the link is long expired');
    const local = link.replace('https://protocollo.comune.example.it', env.baseUrl);
    assert.equal((await download(env, local)).status, 200);
  });
});

const readdirOrEmpty = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);
