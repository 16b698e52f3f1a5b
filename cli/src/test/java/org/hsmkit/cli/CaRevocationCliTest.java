package org.hsmkit.cli;

import static org.hsmkit.cli.CaFixture.onToken;
import static org.hsmkit.cli.CaFixture.openssl;
import static org.hsmkit.cli.CaFixture.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation end to end: {@code ca revoke}, CRLs checked by {@code openssl crl -verify} and
 * {@code openssl verify -crl_check}, OCSP answers checked by {@code openssl ocsp} against
 * {@code ca ocsp-serve} and {@code ca ocsp-respond}, and hsmkit's own S/MIME and PAdES verifiers
 * with the CA as their only anchor, before and after the signer's certificate is revoked.
 */
class CaRevocationCliTest {
    static SoftHsmToken hsm;
    @TempDir
    static Path shared;
    static Path caDir;
    static CliRun cli;

    @TempDir
    Path tmp;

    @BeforeAll
    static void ca() {
        hsm = SoftHsmToken.create("cli-ca-revoke");
        try (Token t = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))) {
            t.generateKey(KeyType.RSA_2048, "ca-rsa", new byte[] {1});
            t.generateKey(KeyType.EC_P256, "alice", new byte[] {2});
            t.generateKey(KeyType.EC_P256, "responder", new byte[] {3});
        }
        cli = CliRun.in(shared);
        caDir = shared.resolve("ca");
        cli.run(args("ca", "init", "--ca", "ca", "--key", "ca-rsa", "--subject", "CN=Team CA,O=hsmkit tests")).assertOk();
    }

    @AfterAll
    static void done() {
        hsm.close();
    }

    static String[] args(String... a) {
        return onToken(hsm, a).toArray(String[]::new);
    }

    private static Path issue(Path dir, String profile, Path csr, String name) {
        Path out = dir.resolve(name + ".crt");
        cli.run(args("ca", "issue", "--ca", caDir.toString(), "--profile", profile, "--yes", "-o", out.toString(), csr.toString()))
                .assertOk();
        return out;
    }

    private static String serialOf(Path cert) {
        return openssl(cert.getParent(), "x509", "-in", cert.toString(), "-noout", "-serial").requireSuccess().stdoutText()
                .strip().substring("serial=".length());
    }

    /** With the CA key on SoftHSM2 (RSA); EC keys on SoftHSM2 and the soft token sign CRLs in the other CA tests. */
    @Test
    void revokedCertificatesAppearOnSignedCrlsWithReasonAndNumber() {
        Path dir = caDir;
        CliRun run = cli;
        List<String> global = onToken(hsm);
        Path csr = request(tmp, "holder", "ec", "/CN=Holder", "subjectAltName=email:holder@example.test");
        Path cert = tmp.resolve("holder.crt");
        run.run(with(global, "ca", "issue", "--ca", dir.toString(), "--profile", "tls-client", "--yes", "-o", cert.toString(),
                csr.toString())).assertOk();
        Path caCert = dir.resolve("ca.crt");
        openssl(tmp, "verify", "-CAfile", caCert.toString(), cert.toString()).requireSuccess();

        // revocation needs no CA key, so no PIN
        CliRun.Result r = run.run("ca", "revoke", "--ca", dir.toString(), "--reason", "keyCompromise", "--yes", cert.toString());
        r.assertOk();
        run.run(with(global, "ca", "crl", "--ca", dir.toString(), "-o", tmp.resolve("first.crl").toString())).assertOk();

        String crl = openssl(tmp, "crl", "-inform", "DER", "-in", "first.crl", "-CAfile", caCert.toString(), "-noout", "-text")
                .requireSuccess().stdoutText();
        String verified = openssl(tmp, "crl", "-inform", "DER", "-in", "first.crl", "-CAfile", caCert.toString(), "-noout")
                .requireSuccess().stderr();
        assertTrue(verified.contains("verify OK"), verified);
        assertTrue(crl.contains("Serial Number: " + serialOf(cert)), crl);
        assertTrue(crl.contains("Key Compromise"), crl);
        assertTrue(crl.contains("X509v3 CRL Number"), crl);

        ExternalTool.Result check = openssl(tmp, "verify", "-crl_check", "-CAfile", caCert.toString(), "-CRLfile", "first.crl",
                cert.toString());
        assertFalse(check.exitCode() == 0, check.stdoutText());
        assertTrue((check.stdoutText() + check.stderr()).contains("certificate revoked"), check.stdoutText() + check.stderr());

        run.run(with(global, "ca", "crl", "--ca", dir.toString(), "--pem", "-o", tmp.resolve("next.crl").toString())).assertOk();
        String next = openssl(tmp, "crl", "-in", "next.crl", "-noout", "-text").requireSuccess().stdoutText();
        assertEquals(crlNumber(crl) + 1, crlNumber(next), "CRL numbers count up");
        String list = run.run("ca", "list", "--ca", dir.toString()).assertOk().stdout();
        assertTrue(list.contains("revoked (keyCompromise)"), list);
        // run again (a script's retry): the work is done; asked for another reason: refused, the reason stays
        r = run.run("ca", "revoke", "--ca", dir.toString(), "--yes", serialOf(cert)).assertOk();
        assertTrue(r.stderr().contains("was revoked already") && r.stderr().contains("for keyCompromise; nothing changed"), r.stderr());
        run.run("ca", "revoke", "--ca", dir.toString(), "--reason", "keyCompromise", "--yes", serialOf(cert)).assertOk();
        r = run.run("ca", "revoke", "--ca", dir.toString(), "--reason", "superseded", "--yes", serialOf(cert));
        r.assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("revoked already") && r.errorLine().contains("a revocation is final"), r.stderr());
        assertTrue(run.run("ca", "list", "--ca", dir.toString()).assertOk().stdout().contains("revoked (keyCompromise)"));
    }

    private static long crlNumber(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("CRL Number:\\s*\\n?\\s*(\\d+)").matcher(text);
        assertTrue(m.find(), text);
        return Long.parseLong(m.group(1));
    }

    private static String[] with(List<String> global, String... a) {
        List<String> all = new ArrayList<>(global);
        all.addAll(List.of(a));
        return all.toArray(String[]::new);
    }

    @Test
    void ocspServeAnswersGoodRevokedAndUnknownToOpensslOcsp() throws Exception {
        Path good = issue(tmp, "tls-client", request(tmp, "good", "ec", "/CN=Good", "subjectAltName=email:g@example.test"), "good");
        Path bad = issue(tmp, "tls-client", request(tmp, "bad", "ec", "/CN=Bad", "subjectAltName=email:b@example.test"), "bad");
        cli.run("ca", "revoke", "--ca", caDir.toString(), "--reason", "superseded", "--yes", bad.toString()).assertOk();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        AtomicReference<CliRun.Result> served = new AtomicReference<>();
        Thread server = new Thread(() -> served.set(cli.run(args("ca", "ocsp-serve", "--ca", caDir.toString(),
                "--listen", "127.0.0.1:" + port))));
        server.start();
        try {
            waitForPort(port);
            String url = "http://127.0.0.1:" + port + "/";
            String ca = caDir.resolve("ca.crt").toString();
            ExternalTool.Result r = openssl(tmp, "ocsp", "-issuer", ca, "-CAfile", ca, "-url", url, "-cert", good.toString(),
                    "-cert", bad.toString(), "-serial", "0x1234567890abcdef");
            r.requireSuccess();
            String out = r.stdoutText();
            assertTrue(r.stderr().contains("Response verify OK"), r.stderr());
            assertTrue(out.contains(good + ": good"), out);
            assertTrue(out.contains(bad + ": revoked"), out);
            assertTrue(out.contains("Reason: superseded"), out);
            assertTrue(out.contains("0x1234567890abcdef: unknown") || out.contains("1234567890ABCDEF: unknown"), out);

            // the same server publishes the CA certificate and the newest CRL, and answers OCSP over GET too
            cli.run(args("ca", "crl", "--ca", caDir.toString(), "-o", tmp.resolve("served.crl").toString())).assertOk();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            assertArrayEquals(org.hsmkit.core.cms.CertificateFile.read(caDir.resolve("ca.crt")).get(0).getEncoded(), get(http, url + "ca.crt"));
            assertArrayEquals(Files.readAllBytes(tmp.resolve("served.crl")), get(http, url + "ca.crl"));
            openssl(tmp, "ocsp", "-issuer", ca, "-cert", good.toString(), "-no_nonce", "-reqout", "get.der").requireSuccess();
            String encoded = java.net.URLEncoder.encode(java.util.Base64.getEncoder().encodeToString(
                    Files.readAllBytes(tmp.resolve("get.der"))), java.nio.charset.StandardCharsets.US_ASCII);
            org.bouncycastle.cert.ocsp.OCSPResp answer = new org.bouncycastle.cert.ocsp.OCSPResp(get(http, url + encoded));
            assertEquals(org.bouncycastle.cert.ocsp.OCSPResp.SUCCESSFUL, answer.getStatus());
            assertEquals(null, ((org.bouncycastle.cert.ocsp.BasicOCSPResp) answer.getResponseObject()).getResponses()[0].getCertStatus(),
                    "good (Bouncy Castle's GOOD is null)");
        } finally {
            server.interrupt();
            server.join(10_000);
        }
        served.get().assertOk();
        String log = served.get().stderr();
        assertTrue(log.contains("listening on http://127.0.0.1:" + port), log);
        // a line per request, as an operator's log needs: client, request, status, what the answer said
        String goodSerial = new java.math.BigInteger(serialOf(good), 16).toString(16).toUpperCase(java.util.Locale.ROOT);
        String badSerial = new java.math.BigInteger(serialOf(bad), 16).toString(16).toUpperCase(java.util.Locale.ROOT);
        String stamp = "hsmkit: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ 127\\.0\\.0\\.1 ";
        assertTrue(log.lines().anyMatch(l -> l.matches(stamp + "POST / 200 successful: " + goodSerial + " good, " + badSerial
                + " revoked \\(superseded\\), 1234567890ABCDEF unknown \\d+ ms")), log);
        assertTrue(log.lines().anyMatch(l -> l.matches(stamp + "GET /ca\\.crt 200 CA certificate \\d+ ms")), log);
        assertTrue(log.lines().anyMatch(l -> l.matches(stamp + "GET /ca\\.crl 200 CRL of \\S+ \\d+ ms")), log);
        // the base64 of a GET request is cut short
        assertTrue(log.lines().anyMatch(l -> l.matches(stamp + "GET /\\S{40}\\.\\.\\. 200 successful: " + goodSerial + " good \\d+ ms")), log);
    }

    /** With --json each request is a JSON object on its own line of standard output, for a log shipper. */
    @Test
    void ocspServeWithJsonWritesAJsonLinePerRequest() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        AtomicReference<CliRun.Result> served = new AtomicReference<>();
        Thread server = new Thread(() -> served.set(cli.run(args("--json", "ca", "ocsp-serve", "--ca", caDir.toString(),
                "--listen", "127.0.0.1:" + port))));
        server.start();
        try {
            waitForPort(port);
            get(java.net.http.HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/ca.crt");
        } finally {
            server.interrupt();
            server.join(10_000);
        }
        served.get().assertOk();
        List<String> lines = served.get().stdout().lines().toList();
        assertEquals(1, lines.size(), served.get().stdout() + "|" + served.get().stderr());
        com.fasterxml.jackson.databind.JsonNode line = JsonCliTest.JSON.readTree(lines.get(0));
        assertEquals("127.0.0.1", line.get("client").asText());
        assertEquals("GET", line.get("method").asText());
        assertEquals("/ca.crt", line.get("path").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals("CA certificate", line.get("answer").asText());
        assertTrue(line.get("time").asText().endsWith("Z") && line.get("millis").isIntegralNumber(), lines.get(0));
        assertFalse(served.get().stderr().contains("GET /ca.crt"), "with --json the line is not on standard error as well");
    }

    @Test
    void ocspRespondAnswersOneRequestSignedByADelegatedResponderKey() throws IOException {
        Path responderCsr = tmp.resolve("responder.csr");
        cli.run(args("key", "csr", "--key", "responder", "--subject", "CN=Team OCSP Responder", "-o", responderCsr.toString())).assertOk();
        Path responder = issue(tmp, "ocsp-signer", responderCsr, "responder");
        cli.run(args("key", "import-cert", "--key", "responder", responder.toString())).assertOk();
        Path holder = issue(tmp, "code-signing", request(tmp, "coder", "ec", "/CN=Coder"), "coder");
        String ca = caDir.resolve("ca.crt").toString();
        openssl(tmp, "ocsp", "-issuer", ca, "-cert", holder.toString(), "-no_nonce", "-reqout", "req.der").requireSuccess();
        Path req = tmp.resolve("req.der");
        Path resp = tmp.resolve("resp.der");

        cli.run(args("ca", "ocsp-respond", "--ca", caDir.toString(), "--signer-key", "responder", "-o", resp.toString(),
                req.toString()))
                .assertOk();
        ExternalTool.Result r = openssl(tmp, "ocsp", "-no_nonce", "-respin", "resp.der", "-issuer", ca, "-CAfile", ca, "-cert", holder.toString(),
                "-resp_text");
        r.requireSuccess();
        assertTrue(r.stderr().contains("Response verify OK"), r.stderr());
        assertTrue(r.stdoutText().contains(holder + ": good"), r.stdoutText());
        assertTrue(r.stdoutText().contains("CN = Team OCSP Responder") || r.stdoutText().contains("CN=Team OCSP Responder"),
                r.stdoutText());

        Files.write(tmp.resolve("junk.der"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x00});
        // and a request whose list Bouncy Castle cannot read (a fuzz finding: it escaped as an exception)
        Path badList = Path.of("../testdata/src/main/resources/org/hsmkit/fuzz/OcspRequestFuzzTestInputs/respond/"
                + "regression-request-list-class-cast").toAbsolutePath();
        for (Path bad : List.of(tmp.resolve("junk.der"), badList)) {
            CliRun.Result answered = cli.run(args("ca", "ocsp-respond", "--ca", caDir.toString(), "-o",
                    tmp.resolve("junk-resp.der").toString(), "--force", bad.toString())).assertOk();
            assertTrue(answered.stderr().contains("hsmkit: warning: answered malformedRequest"), answered.stderr());
            String junk = openssl(tmp, "ocsp", "-respin", "junk-resp.der", "-resp_text", "-noverify").stdoutText();
            assertTrue(junk.contains("malformedrequest"), junk);
        }
        // a request about another CA's certificate
        openssl(tmp, "ocsp", "-issuer", holder.toString(), "-serial", "7", "-no_nonce", "-reqout", "other.der").requireSuccess();
        CliRun.Result other = cli.run(args("ca", "ocsp-respond", "--ca", caDir.toString(), "-o", "-", tmp.resolve("other.der").toString()))
                .assertOk();
        assertTrue(other.stderr().contains("answered unauthorized"), other.stderr());
    }

    @Test
    void hsmkitsSmimeAndPadesVerifiersSeeTheRevocationThroughTheCasCrl() throws IOException {
        Path csr = tmp.resolve("alice.csr");
        cli.run(args("key", "csr", "--key", "alice", "--subject", "CN=Alice,O=hsmkit tests", "--san", "email:alice@example.test",
                "-o", csr.toString())).assertOk();
        Path cert = issue(tmp, "smime", csr, "alice");
        cli.run(args("key", "import-cert", "--key", "alice", cert.toString())).assertOk();
        String ca = caDir.resolve("ca.crt").toString();
        CliRun here = CliRun.in(tmp);

        Files.writeString(tmp.resolve("msg.eml"), "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: contract\r\n"
                + "Content-Type: text/plain\r\n\r\nSigned with a key the team CA certified.\r\n");
        here.run(args("smime", "sign", "--key", "alice", "-o", "signed.eml", "msg.eml")).assertOk();
        Path pdf = Path.of("../testdata/src/main/resources/pdf-corpus/pdfbox-sign_me.pdf").toAbsolutePath();
        here.run(args("pdf", "sign", "--key", "alice", "--level", "B-B", "-o", "signed.pdf", pdf.toString())).assertOk();
        Files.writeString(tmp.resolve("contract.txt"), "the contract\n");
        here.run(args("sign", "--key", "alice", "contract.txt")).assertOk();
        CliRun.Result unchecked = here.run("verify", "--trust", ca, "contract.txt.p7s").assertOk();
        assertTrue(unchecked.stdout().contains("  revoked:   not checked\n  note:      revocation not checked: no CRL was given (--crl)"
                + " or carried, and hsmkit fetches none\n"), unchecked.stdout());
        cli.run(args("ca", "crl", "--ca", caDir.toString(), "-o", tmp.resolve("before.crl").toString())).assertOk();

        CliRun.Result strict = here.run("smime", "verify", "--trust", ca, "--require-revocation", "signed.eml");
        strict.assertExit(ExitCode.VERIFICATION_FAILED);
        assertTrue(strict.stdout().contains("the revocation status of the signer's path is not established (required)"), strict.stdout());
        CliRun.Result s = here.run("smime", "verify", "--trust", ca, "--crl", "before.crl", "--require-revocation", "signed.eml").assertOk();
        assertTrue(s.stdout().contains("revocation:   checked"), s.stdout());
        CliRun.Result required = here.run("verify", "--trust", ca, "--require-revocation", "contract.txt.p7s");
        required.assertExit(ExitCode.VERIFICATION_FAILED);
        assertEquals("hsmkit: error: the signature of CN=Alice,O=hsmkit tests is intact but its revocation status is not established:"
                + " revocation not checked: no CRL was given (--crl) or carried, and hsmkit fetches none", required.errorLine());
        assertTrue(required.stderr().contains("hsmkit: hint: give the current CRL of every CA of the path with --crl"), required.stderr());
        CliRun.Result c = here.run("verify", "--trust", ca, "--crl", "before.crl", "--require-revocation", "contract.txt.p7s").assertOk();
        assertTrue(c.stdout().contains("  revoked:   no (by the CRLs given or carried; nothing fetched)\n"), c.stdout());
        CliRun.Result j = here.run("--json", "verify", "--trust", ca, "--crl", "before.crl", "contract.txt.p7s").assertOk();
        assertTrue(j.stdout().contains("\"revocationChecked\" : true"), j.stdout());
        CliRun.Result p = here.run("pdf", "verify", "--trust", ca, "--crl", "before.crl", "signed.pdf").assertOk();
        assertTrue(p.stdout().contains("  revocation:    good: embedded or given OCSP/CRL data for 1 certificate(s)\n"), p.stdout());

        cli.run("ca", "revoke", "--ca", caDir.toString(), "--reason", "keyCompromise", "--yes", cert.toString()).assertOk();
        cli.run(args("ca", "crl", "--ca", caDir.toString(), "-o", tmp.resolve("after.crl").toString())).assertOk();

        s = here.run("smime", "verify", "--trust", ca, "--crl", "after.crl", "signed.eml");
        s.assertExit(ExitCode.VERIFICATION_FAILED);
        assertTrue(s.errorLine().contains("revoked"), s.stderr());
        c = here.run("verify", "--trust", ca, "--crl", "after.crl", "contract.txt.p7s");
        c.assertExit(ExitCode.VERIFICATION_FAILED);
        assertTrue(c.errorLine().startsWith("hsmkit: error: the signature of CN=Alice,O=hsmkit tests is intact but a certificate of its"
                + " path is revoked: "), c.stderr());
        assertEquals("", c.stdout(), "nothing reported as verified");
        p = here.run("pdf", "verify", "--trust", ca, "--crl", "after.crl", "signed.pdf");
        p.assertExit(ExitCode.VERIFICATION_FAILED);
        assertTrue(p.stdout().contains("was revoked at"), p.stdout());
        // the revocation line says so too (it said "good: …", the data being good to read)
        assertTrue(p.stdout().contains("  revocation:    REVOKED (embedded or given OCSP/CRL data for 1 certificate(s))\n"), p.stdout());
    }

    private static byte[] get(java.net.http.HttpClient http, String url) throws Exception {
        java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the OCSP responder did not start listening on port " + port);
    }
}
