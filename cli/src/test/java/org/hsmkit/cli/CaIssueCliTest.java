package org.hsmkit.cli;

import static org.hsmkit.cli.CaFixture.field;
import static org.hsmkit.cli.CaFixture.onToken;
import static org.hsmkit.cli.CaFixture.openssl;
import static org.hsmkit.cli.CaFixture.request;
import static org.hsmkit.cli.CaFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code hsmkit ca init} and {@code ca issue} with the CA key on SoftHSM2: every profile checked by
 * {@code openssl verify -purpose} and field by field in {@code openssl x509 -text}; requests made by
 * {@code openssl req}; bad requests refused with the documented exit code and nothing issued.
 */
class CaIssueCliTest {
    private static final String CRL_URL = "http://ca.example.test/root.crl";
    private static final String OCSP_URL = "http://ocsp.example.test/";
    private static final String ISSUER_URL = "http://ca.example.test/root.crt";

    static SoftHsmToken hsm;
    @TempDir
    static Path shared;
    static Path caDir;
    static CliRun cli;

    @TempDir
    Path tmp;

    @BeforeAll
    static void rootCa() {
        hsm = SoftHsmToken.create("cli-ca-issue");
        try (Token t = open()) {
            t.generateKey(KeyType.EC_P384, "root", new byte[] {1});
            t.generateKey(KeyType.RSA_2048, "other", new byte[] {2});
            t.generateKey(KeyType.EC_P256, "sub", new byte[] {3});
        }
        cli = CliRun.in(shared);
        caDir = shared.resolve("root");
        cli.run(args("ca", "init", "--ca", "root", "--key", "root", "--subject", "CN=Test Root CA,O=hsmkit tests,C=DE",
                "--validity", "5y", "--path-length", "1", "--crl-url", CRL_URL, "--ocsp-url", OCSP_URL,
                "--issuer-url", ISSUER_URL)).assertOk();
    }

    @AfterAll
    static void done() {
        hsm.close();
    }

    static Token open() {
        return TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
    }

    static String[] args(String... a) {
        return onToken(hsm, a).toArray(String[]::new);
    }

    private CliRun.Result issue(String profile, Path csr, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("ca", "issue", "--ca", caDir.toString(), "--profile", profile, "--yes"));
        a.addAll(List.of(extra));
        a.addAll(List.of("-o", out.toString(), csr.toString()));
        return cli.run(args(a.toArray(String[]::new)));
    }

    private static int issuedCount() {
        CliRun.Result r = cli.run("ca", "list", "--ca", caDir.toString(), "--json").assertOk();
        Matcher m = Pattern.compile("\"serial\"").matcher(r.stdout());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theRootIsSelfSignedCaCertificateThatOpensslAccepts() {
        Path root = caDir.resolve("ca.crt");
        openssl(shared, "verify", "-CAfile", root.toString(), root.toString()).requireSuccess();
        String t = text(root);
        assertEquals("CA:TRUE, pathlen:1", field(t, "X509v3 Basic Constraints: critical"));
        assertEquals("Digital Signature, Certificate Sign, CRL Sign", field(t, "X509v3 Key Usage: critical"));
        assertTrue(t.contains("ecdsa-with-SHA384"), "a P-384 CA key signs with SHA-384:\n" + t);
        assertTrue(CaFixture.read(caDir.resolve("ca.conf")).contains("crl.url = " + CRL_URL));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "smime|ec|subjectAltName=email:alice@example.test|smimesign|Digital Signature, Non Repudiation, Key Agreement|E-mail Protection|email:alice@example.test",
        "smime|rsa:2048|subjectAltName=email:bob@example.test|smimeencrypt|Digital Signature, Non Repudiation, Key Encipherment|E-mail Protection|email:bob@example.test",
        "tls-client|ec|subjectAltName=email:carol@example.test|sslclient|Digital Signature|TLS Web Client Authentication|email:carol@example.test",
        "tls-server|rsa:2048|subjectAltName=DNS:www.example.test,IP:192.0.2.7|sslserver|Digital Signature, Key Encipherment|TLS Web Server Authentication|DNS:www.example.test, IP Address:192.0.2.7",
        "code-signing|ec|basicConstraints=CA:FALSE|any|Digital Signature|Code Signing|-",
        "ocsp-signer|ec|basicConstraints=CA:FALSE|ocsphelper|Digital Signature|OCSP Signing|-",
    })
    void eachProfileGivesTheExtensionsOpensslShows(String profile, String key, String addext, String purpose, String keyUsage,
            String eku, String sans) throws IOException {
        Path csr = request(tmp, "req", key, "/CN=Holder " + profile + "/O=hsmkit tests", addext);
        Path cert = tmp.resolve("holder.crt");
        issue(profile, csr, cert).assertOk();

        openssl(tmp, "verify", "-CAfile", caDir.resolve("ca.crt").toString(), "-purpose", purpose, cert.toString()).requireSuccess();
        String t = text(cert);
        assertEquals("CA:FALSE", field(t, "X509v3 Basic Constraints: critical"));
        assertEquals(keyUsage, field(t, "X509v3 Key Usage: critical"));
        assertEquals(eku, field(t, "X509v3 Extended Key Usage"));
        if (!sans.equals("-")) {
            assertEquals(sans, field(t, "X509v3 Subject Alternative Name"));
        }
        String ski = field(t, "X509v3 Subject Key Identifier");
        String caSki = field(text(caDir.resolve("ca.crt")), "X509v3 Subject Key Identifier");
        assertEquals(caSki, field(t, "X509v3 Authority Key Identifier").replace("keyid:", ""));
        assertFalse(ski.equals(caSki));
        assertEquals("URI:" + CRL_URL, field(t, "Full Name:").replace("URI:", "URI:"));
        String aia = t.substring(t.indexOf("Authority Information Access"));
        assertEquals(!profile.equals("ocsp-signer"), aia.contains("OCSP - URI:" + OCSP_URL), aia);
        assertTrue(aia.contains("CA Issuers - URI:" + ISSUER_URL), aia);
        assertEquals(profile.equals("ocsp-signer"), t.contains("OCSP No Check"), t);
        Matcher serial = Pattern.compile("Serial Number:\\s*\\n\\s*([0-9a-f:]+)").matcher(t);
        assertTrue(serial.find(), t);
        assertEquals(16, serial.group(1).split(":").length, "16-byte serial: " + serial.group(1));
        assertTrue(Integer.parseInt(serial.group(1).substring(0, 2), 16) < 0x80, "positive serial");
    }

    @Test
    void aSubCaCertificateIsForCertificateSigningWithTheGivenPathLengthAndCanBeImported() throws IOException {
        Path subDir = tmp.resolve("sub");
        cli.run(args("ca", "init", "--ca", subDir.toString(), "--key", "sub", "--subject", "CN=Test Issuing CA,O=hsmkit tests",
                "--csr")).assertOk();
        Path subCert = tmp.resolve("sub.crt");
        issue("sub-ca", subDir.resolve("ca.csr"), subCert, "--path-length", "0", "--validity", "2y", "--chain").assertOk();
        String t = text(subCert);
        assertEquals("CA:TRUE, pathlen:0", field(t, "X509v3 Basic Constraints: critical"));
        assertEquals("Digital Signature, Certificate Sign, CRL Sign", field(t, "X509v3 Key Usage: critical"));

        cli.run(args("ca", "import-cert", "--ca", subDir.toString(), subCert.toString())).assertOk();
        Path leafCsr = request(tmp, "leaf", "ec", "/CN=Dana/O=hsmkit tests", "subjectAltName=email:dana@example.test");
        Path leaf = tmp.resolve("leaf.crt");
        cli.run(args("ca", "issue", "--ca", subDir.toString(), "--profile", "smime", "--yes", "-o", leaf.toString(),
                leafCsr.toString())).assertOk();
        openssl(tmp, "verify", "-CAfile", caDir.resolve("ca.crt").toString(), "-untrusted", subDir.resolve("chain.pem").toString(),
                leaf.toString()).requireSuccess();

        // path length 0: this CA may not certify another CA
        Path deeper = request(tmp, "deeper", "ec", "/CN=Too Deep CA", "basicConstraints=critical,CA:TRUE");
        CliRun.Result r = cli.run(args("ca", "issue", "--ca", subDir.toString(), "--profile", "sub-ca", "--yes",
                "-o", tmp.resolve("deeper.crt").toString(), deeper.toString()));
        r.assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("path length"), r.stderr());
        assertFalse(Files.exists(tmp.resolve("deeper.crt")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a key of RSA-1024|rsa:1024|subjectAltName=email:x@example.test|smime|4|RSA-1024, too weak",
        "key usage the profile forbids|ec|keyUsage=digitalSignature,keyCertSign|smime|4|asks for key usage keyCertSign",
        "a CA asked under an end-entity profile|ec|basicConstraints=critical,CA:TRUE|tls-client|4|asks to be a CA",
        "an extended key usage the profile forbids|ec|extendedKeyUsage=serverAuth|tls-client|4|extended key usage serverAuth",
        "S/MIME without an e-mail address|ec|subjectAltName=DNS:host.example.test|smime|4|names no e-mail address",
        "TLS server without a DNS name|ec|subjectAltName=email:y@example.test|tls-server|4|names no DNS name",
    })
    void badRequestsAreRefusedWithAHintAndNothingIsIssued(String what, String key, String addext, String profile, int exit,
            String message) {
        Path csr = request(tmp, "bad", key, "/CN=Bad Request", addext);
        Path out = tmp.resolve("bad.crt");
        int before = issuedCount();
        CliRun.Result r = issue(profile, csr, out);
        r.assertExit(exit);
        assertTrue(r.errorLine().contains(message), r.stderr());
        r.hintLine();
        assertFalse(Files.exists(out), what);
        assertEquals(before, issuedCount(), what);
    }

    /** openssl req -subj '/…/emailAddress=…' puts the address in the subject, where mail agents do not look. */
    @Test
    void anSmimeRequestWithTheAddressOnlyInItsSubjectIsToldTheOptionThatIssuesIt() throws Exception {
        Path csr = request(tmp, "gina", "ec", "/CN=Gina/emailAddress=gina@example.test");
        Path out = tmp.resolve("gina.crt");
        CliRun.Result r = issue("smime", csr, out);
        r.assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("names the e-mail address gina@example.test only in its subject (E=)"), r.stderr());
        assertEquals("hsmkit: hint: issue it with --san email:gina@example.test", r.hintLine());
        assertFalse(Files.exists(out));

        issue("smime", csr, out, "--san", "email:gina@example.test").assertOk();
        X509Certificate issued = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(out));
        assertEquals(List.of(List.of(1, "gina@example.test")), List.copyOf(issued.getSubjectAlternativeNames()));
    }

    @Test
    void aRequestWhoseSignatureDoesNotVerifyIsRefusedAsAVerificationFailure() throws IOException {
        Path csr = request(tmp, "tampered", "ec", "/CN=Mallory", "subjectAltName=email:m@example.test");
        Path der = tmp.resolve("tampered.der");
        openssl(tmp, "req", "-in", csr.toString(), "-outform", "DER", "-out", der.toString()).requireSuccess();
        byte[] b = Files.readAllBytes(der);
        b[b.length - 5] ^= 0x01; // inside the signature value
        Files.write(der, b);
        int before = issuedCount();
        CliRun.Result r = issue("smime", der, tmp.resolve("m.crt"));
        r.assertExit(ExitCode.VERIFICATION_FAILED);
        assertTrue(r.errorLine().contains("does not verify"), r.stderr());
        r.hintLine();
        assertFalse(Files.exists(tmp.resolve("m.crt")));
        assertEquals(before, issuedCount());
    }

    /** A request on standard input ('-'): the certificate on standard output, or in -o; alone only. */
    @Test
    void aRequestFromStandardInputIsIssuedToStandardOutput() throws Exception {
        Path csr = request(tmp, "gina", "ec", "/CN=Gina", "extendedKeyUsage=clientAuth");
        CliRun piped = cli.withStdin(Files.readAllBytes(csr));
        CliRun.Result r = piped.run(args("ca", "issue", "--ca", caDir.toString(), "--profile", "tls-client", "--yes", "-")).assertOk();
        assertTrue(r.stdout().startsWith("-----BEGIN CERTIFICATE-----"), r.stdout());
        assertTrue(r.stderr().contains("request:  standard input (") && r.stderr().contains(" to CN=Gina (tls-client"), r.stderr());
        CliRun.Result many = piped.run(args("ca", "issue", "--ca", caDir.toString(), "--profile", "tls-client", "--yes", "-",
                csr.toString())).assertExit(ExitCode.USAGE);
        assertTrue(many.errorLine().contains("standard input ('-') is one request alone"), many.stderr());
        CliRun.Result junk = cli.withStdin("not a request\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .run(args("ca", "issue", "--ca", caDir.toString(), "--profile", "tls-client", "--yes", "-o", tmp.resolve("junk.crt").toString(), "-"))
                .assertExit(ExitCode.INPUT);
        assertTrue(junk.errorLine().contains("standard input is not a certificate request"), junk.stderr());
        assertFalse(Files.exists(tmp.resolve("junk.crt")));
    }

    @Test
    void aKeyCertifiedForOneSubjectIsNotCertifiedForAnotherUntilRevokedButMayBeRenewed() {
        Path first = request(tmp, "erin", "ec", "/CN=Erin", "subjectAltName=email:erin@example.test");
        issue("smime", first, tmp.resolve("erin.crt")).assertOk();
        issue("smime", first, tmp.resolve("erin-renewed.crt")).assertOk();

        Path other = CaFixture.requestWithKey(tmp, "frank", "erin", "/CN=Frank");
        CliRun.Result r = issue("tls-client", other, tmp.resolve("frank.crt"));
        r.assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("certified already, unrevoked, for CN=Erin"), r.stderr());
        assertFalse(Files.exists(tmp.resolve("frank.crt")));
    }

    @Test
    void theCaRefusesToCertifyItsOwnKey() throws Exception {
        Path csr = tmp.resolve("own.csr");
        cli.run(args("key", "csr", "--key", "root", "--subject", "CN=Myself", "--san", "email:ca@example.test", "-o", csr.toString()))
                .assertOk();
        CliRun.Result r = issue("smime", csr, tmp.resolve("own.crt"));
        r.assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("the CA's own key"), r.stderr());
    }

    @Test
    void aCaCertificateThatIsNotTheKeysIsAKeyErrorAndAnExpiredOneSignsNothing() throws Exception {
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        for (String f : List.of("ca.conf", "ca.crt", "chain.pem")) {
            Files.copy(caDir.resolve(f), copy.resolve(f));
        }
        cli.run(args("ca", "init", "--ca", tmp.resolve("scratch").toString(), "--key", "other", "--subject", "CN=Scratch")).assertOk();
        Files.copy(tmp.resolve("scratch/ca.db"), copy.resolve("ca.db"));
        Files.writeString(copy.resolve("ca.conf"), CaFixture.read(copy.resolve("ca.conf")).replace("key = root", "key = other"));
        Path csr = request(tmp, "gina", "ec", "/CN=Gina", "subjectAltName=email:gina@example.test");
        CliRun.Result r = cli.run(args("ca", "issue", "--ca", copy.toString(), "--profile", "smime", "--yes",
                "-o", tmp.resolve("gina.crt").toString(), csr.toString()));
        r.assertExit(ExitCode.KEY);
        assertTrue(r.errorLine().contains("is not for the key"), r.stderr());
        assertFalse(Files.exists(tmp.resolve("gina.crt")));

        // the same key with a certificate that has expired: signs neither certificates nor CRLs
        try (Token t = open()) {
            TokenKey other = t.key("other");
            Instant past = Instant.now().minus(400, ChronoUnit.DAYS);
            X500Name name = new X500Name("CN=Scratch");
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, BigInteger.TEN, Date.from(past),
                    Date.from(past.plus(30, ChronoUnit.DAYS)), name, SubjectPublicKeyInfo.getInstance(other.publicKey().getEncoded()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(copy.resolve("ca.crt")))) {
                w.writeObject(b.build(other.contentSigner()));
            }
        }
        Files.delete(copy.resolve("chain.pem"));
        r = cli.run(args("ca", "issue", "--ca", copy.toString(), "--profile", "smime", "--yes",
                "-o", tmp.resolve("gina.crt").toString(), csr.toString()));
        r.assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("would outlive the CA certificate") || r.errorLine().contains("expired"), r.stderr());
        r = cli.run(args("ca", "crl", "--ca", copy.toString(), "-o", tmp.resolve("x.crl").toString()));
        r.assertExit(ExitCode.INPUT);
        assertTrue(r.errorLine().contains("expired on"), r.stderr());
        assertFalse(Files.exists(tmp.resolve("gina.crt")));
        assertFalse(Files.exists(tmp.resolve("x.crl")));
    }

    @Test
    void dryRunPrintsTheToBeSignedCertificateWithoutAPinAndIssuesNothing() {
        Path csr = request(tmp, "hal", "rsa:2048", "/CN=Hal/O=hsmkit tests", "subjectAltName=DNS:hal.example.test");
        int before = issuedCount();
        CliRun.Result r = cli.run("ca", "issue", "--ca", caDir.toString(), "--profile", "tls-server", "--dry-run",
                "--san", "dns:www.hal.example.test", csr.toString()).assertOk();
        String out = r.stdout();
        assertTrue(out.contains("subject: CN=Hal,O=hsmkit tests"), out);
        assertTrue(out.contains("public key: RSA-2048"), out);
        assertTrue(out.contains("keyUsage (critical): digitalSignature, keyEncipherment"), out);
        assertTrue(out.contains("extendedKeyUsage: serverAuth"), out);
        assertTrue(out.contains("subjectAltName: dns:hal.example.test, dns:www.hal.example.test"), out);
        assertTrue(out.contains("cRLDistributionPoints: " + CRL_URL), out);
        assertEquals(before, issuedCount());
    }

    @Test
    void issuingAsksForConfirmationShowingSubjectAndNamesAndRefusesWithoutATerminal() {
        Path csr = request(tmp, "ivy", "ec", "/CN=Ivy", "subjectAltName=email:ivy@example.test");
        int before = issuedCount();
        CliRun.Result r = CliRun.in(shared).withTerminal("n").run(args("ca", "issue", "--ca", caDir.toString(), "--profile",
                "smime", "-o", tmp.resolve("ivy.crt").toString(), csr.toString())).assertOk();
        assertTrue(r.stderr().contains("subject:  CN=Ivy"), r.stderr());
        assertTrue(r.stderr().contains("names:    email:ivy@example.test"), r.stderr());
        assertTrue(r.prompts().get(r.prompts().size() - 1).startsWith("Issue this smime certificate?"), r.prompts().toString());
        assertFalse(Files.exists(tmp.resolve("ivy.crt")));

        r = cli.run(args("ca", "issue", "--ca", caDir.toString(), "--profile", "smime", "-o", tmp.resolve("ivy.crt").toString(),
                csr.toString()));
        r.assertExit(ExitCode.USAGE);
        assertTrue(r.hintLine().contains("--yes"), r.stderr());
        assertEquals(before, issuedCount());
        assertFalse(Files.exists(tmp.resolve("ivy.crt")));
    }

    @Test
    void severalRequestsGoToAnOutputDirectoryAndAnExistingTargetIsRefusedBeforeAnythingIsSigned() throws IOException {
        Path a = request(tmp, "ann", "ec", "/CN=Ann", "subjectAltName=email:ann@example.test");
        Path b = request(tmp, "ben", "ec", "/CN=Ben", "subjectAltName=email:ben@example.test");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("ben.crt"), "keep me");
        int before = issuedCount();
        CliRun.Result r = cli.run(args("ca", "issue", "--ca", caDir.toString(), "--profile", "smime", "--yes", "--output-dir",
                out.toString(), a.toString(), b.toString()));
        r.assertExit(ExitCode.USAGE);
        assertEquals(before, issuedCount());
        assertFalse(Files.exists(out.resolve("ann.crt")));
        assertEquals("keep me", Files.readString(out.resolve("ben.crt")));

        Files.delete(out.resolve("ben.crt"));
        cli.run(args("ca", "issue", "--ca", caDir.toString(), "--profile", "smime", "--yes", "--output-dir", out.toString(),
                a.toString(), b.toString())).assertOk();
        assertEquals(before + 2, issuedCount());
        openssl(tmp, "verify", "-CAfile", caDir.resolve("ca.crt").toString(), out.resolve("ann.crt").toString(),
                out.resolve("ben.crt").toString()).requireSuccess();
    }
}
