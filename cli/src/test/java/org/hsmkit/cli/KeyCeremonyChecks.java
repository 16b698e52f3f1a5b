package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.hsmkit.core.KeyType;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;

/**
 * Independent checks of what the key ceremony commands wrote, shared by the soft token and the
 * SoftHSM2 tests: OpenSSL reads CSRs and public keys, OpenSSH reads authorized_keys lines.
 */
final class KeyCeremonyChecks {
    private KeyCeremonyChecks() {
    }

    /** {@code openssl req -verify} accepts the CSR; returns its text dump. */
    static String opensslVerifiesCsr(Path dir, Path csr) {
        ExternalTool.require("openssl", "openssl");
        ExternalTool.Result r = ExternalTool.run(dir, "openssl", "req", "-in", csr.toString(), "-noout", "-verify", "-text")
                .requireSuccess();
        String all = r.stdoutText() + r.stderr();
        assertTrue(all.contains("verify OK") || all.contains("Certificate request self-signature verify OK"), all);
        return r.stdoutText();
    }

    /** {@code openssl pkey -pubin} reads the PEM public key; returns the key it holds. */
    static SubjectPublicKeyInfo opensslReadsPublicKey(Path dir, Path pem) throws Exception {
        ExternalTool.require("openssl", "openssl");
        String out = ExternalTool.run(dir, "openssl", "pkey", "-pubin", "-in", pem.toString()).requireSuccess().stdoutText();
        try (PEMParser p = new PEMParser(new StringReader(out))) {
            return (SubjectPublicKeyInfo) p.readObject();
        }
    }

    /** {@code ssh-keygen -l} reads the line with the expected size, type and comment. */
    static void sshKeygenReadsLine(Path dir, Path line, KeyType type, String comment) {
        ExternalTool.require("ssh-keygen", "openssh-client");
        String listed = ExternalTool.run(dir, "ssh-keygen", "-l", "-f", line.toString()).requireSuccess().stdoutText().strip();
        assertTrue(listed.startsWith(type.bits() + " SHA256:"), listed);
        assertTrue(listed.endsWith(comment + (type.isRsa() ? " (RSA)" : " (ECDSA)")), listed);
    }

    /** A certificate from the test PKI's intermediate CA for a public key (the CA never sees a private key). */
    static Path issueCertificate(Path dir, PublicKey key, String name) throws Exception {
        X509Certificate c = TestPki.standard().issueUser(name, new KeyPair(key, null), name.replace(' ', '.') + "@hsmkit.test",
                KeyUsage.digitalSignature, new KeyPurposeId[] {KeyPurposeId.id_kp_emailProtection},
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30))).certificate();
        Path file = dir.resolve(name.replace(' ', '-') + ".crt");
        Files.writeString(file, TestPki.pem(List.of(c)));
        return file;
    }

    /** Writes the users' credential files (NAME.p12 with {@link TestPki#P12_PASSWORD}, ...) into {@code dir}. */
    static Path writeUsers(Path dir, TestUser... users) throws Exception {
        Files.createDirectories(dir);
        for (TestUser u : users) {
            TestPki.writeCredential(dir, TestPki.standard().user(u));
        }
        return dir;
    }

    static void assertSameKey(PublicKey expected, SubjectPublicKeyInfo actual) {
        assertEquals(SubjectPublicKeyInfo.getInstance(expected.getEncoded()).getPublicKeyData(), actual.getPublicKeyData());
    }

}
