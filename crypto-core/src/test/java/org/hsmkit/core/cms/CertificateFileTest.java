package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading recipient, signer and trust certificates from the files people have. */
class CertificateFileTest {
    private static final TestPki.Credential ALICE = TestPki.standard().user(TestUser.ALICE_RSA2048);
    private static final TestPki.Credential BOB = TestPki.standard().user(TestUser.BOB_P256);

    @TempDir
    Path dir;

    @Test
    void aKeyAndItsCertificateInOneFileGiveTheCertificateInEitherOrder() throws Exception {
        String key = pem(new JcaPKCS8Generator(ALICE.privateKey(), null));
        String cert = TestPki.pem(List.of(ALICE.certificate()));
        for (String content : List.of(key + cert, cert + key)) {
            List<X509Certificate> read = CertificateFile.read(write("combined.pem", content));
            assertEquals(List.of(ALICE.certificate()), read);
        }
    }

    @Test
    void certificatesBetweenOtherBlocksAreAllReadInTheirOrder() throws Exception {
        String content = TestPki.pem(List.of(ALICE.certificate())) + pem(new JcaPKCS8Generator(BOB.privateKey(), null))
                + TestPki.pem(List.of(BOB.certificate()));
        assertEquals(List.of(ALICE.certificate(), BOB.certificate()), CertificateFile.read(write("mixed.pem", content)));
    }

    /** A CA's certificate is no recipient: of a chain only the end entity is; of a bundle, everyone. */
    @Test
    void endEntitiesAreTheCertificatesThatIssuedNoneOfTheOthers() {
        X509Certificate root = TestPki.standard().root().certificate();
        X509Certificate intermediate = TestPki.standard().intermediate().certificate();
        assertEquals(List.of(ALICE.certificate()), CertificateFile.endEntities(List.of(ALICE.certificate(), intermediate, root)));
        assertEquals(List.of(ALICE.certificate()), CertificateFile.endEntities(List.of(root, intermediate, ALICE.certificate())));
        assertEquals(List.of(ALICE.certificate(), BOB.certificate()),
                CertificateFile.endEntities(List.of(ALICE.certificate(), intermediate, BOB.certificate(), root)));
        assertEquals(List.of(BOB.certificate(), ALICE.certificate()), CertificateFile.endEntities(List.of(BOB.certificate(), ALICE.certificate())));
        assertEquals(List.of(intermediate), CertificateFile.endEntities(List.of(intermediate, root)));
        assertEquals(List.of(root), CertificateFile.endEntities(List.of(root)), "a self-signed certificate issued no other");
        assertEquals(List.of(), CertificateFile.endEntities(List.of()));
    }

    @Test
    void openSslsTextBeforeTheCertificateIsSkipped() throws Exception {
        String content = "Certificate:\n    Data:\n        Version: 3 (0x2)\n" + TestPki.pem(List.of(BOB.certificate()));
        assertEquals(List.of(BOB.certificate()), CertificateFile.read(write("text.pem", content)));
    }

    /** What the file holds instead is named, and what to give; never anything of a key's content. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pkcs8 private key     | a private key (PEM 'PRIVATE KEY')               | the certificate that goes with the key",
        "public key            | a bare public key (PEM 'PUBLIC KEY')            | give the certificate of that key",
        "certificate request   | a certificate request (PEM 'CERTIFICATE REQUEST') | hsmkit ca issue",
        "openpgp certificate   | an OpenPGP certificate (PEM 'PGP PUBLIC KEY BLOCK') | hsmkit pgp",
    })
    void aFileWithoutACertificateSaysWhatItHolds(String kind, String holds, String hint) throws Exception {
        Path file = write(kind.replace(' ', '-') + ".pem", content(kind));
        HsmkitException e = assertThrows(HsmkitException.class, () -> CertificateFile.read(file));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertEquals(file + " holds " + holds + ", not a certificate", e.getMessage());
        assertTrue(e.hint().orElseThrow().contains(hint), e.hint().orElseThrow());
        String body = Files.readString(file).lines().filter(l -> !l.startsWith("-----") && l.length() >= 16).findFirst().orElseThrow();
        assertFalse(e.getMessage().contains(body.substring(0, 16)) || e.hint().orElseThrow().contains(body.substring(0, 16)));
    }

    @Test
    void aFileOfNoKnownKindKeepsTheGeneralAdvice() throws Exception {
        Path file = write("notes.txt", "not a certificate at all\n");
        HsmkitException e = assertThrows(HsmkitException.class, () -> CertificateFile.read(file));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().startsWith("cannot read a certificate from " + file), e.getMessage());
        assertEquals("give a PEM or DER certificate, or a PKCS#7 bundle", e.hint().orElseThrow());
    }

    @Test
    void aDirectoryIsNamedAsOne() throws Exception {
        Path directory = Files.createDirectories(dir.resolve("certs"));
        HsmkitException e = assertThrows(HsmkitException.class, () -> CertificateFile.read(directory));
        assertEquals(ErrorKind.USAGE, e.kind());
        assertEquals(directory + " is a directory, not a certificate file", e.getMessage());
    }

    private String content(String kind) throws Exception {
        return switch (kind) {
            case "pkcs8 private key" -> pem(new JcaPKCS8Generator(ALICE.privateKey(), null));
            case "public key" -> pem(ALICE.publicKey());
            case "certificate request" -> pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=Alice"), ALICE.publicKey())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(ALICE.privateKey())));
            case "openpgp certificate" -> "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZQAAABYJKwYBBAHaRw8BAQdA\n=abcd\n"
                    + "-----END PGP PUBLIC KEY BLOCK-----\n";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    }
}
