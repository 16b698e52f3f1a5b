package org.hsmkit.core.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.cms.CmsEncryptor;
import org.hsmkit.core.cms.RecipientSet;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Telling the kinds of files people give apart by their first bytes. */
class InputFormatTest {
    private static final TestPki.Credential ALICE = TestPki.standard().user(TestUser.ALICE_RSA2048);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "hsmkit's CMS (DER)           | CMS",
        "hsmkit's CMS (PEM)           | CMS",
        "openssl's PKCS7 label        | CMS",
        "gpgsm's armour               | CMS",
        "BER, indefinite length       | CMS",
        "certificate (DER)            | CERTIFICATE",
        "certificate (PEM)            | CERTIFICATE",
        "certificate request (PEM)    | CERTIFICATE",
        "public key (PEM)             | CERTIFICATE",
        "private key (PKCS#8 DER)     | PRIVATE_KEY",
        "private key (PEM)            | PRIVATE_KEY",
        "RSA private key (PEM)        | PRIVATE_KEY",
        "PKCS#12 key store            | PRIVATE_KEY",
        "OpenPGP binary packet        | OPENPGP",
        "OpenPGP old-format packet    | OPENPGP",
        "CMS damaged at byte 0        | OTHER",
        "CMS with its OID tag damaged | OTHER",
        "EC private key (SEC 1 DER)   | PRIVATE_KEY",
        "OpenPGP armour               | OPENPGP",
        "OpenPGP cleartext signature  | OPENPGP",
        "PDF                          | PDF",
        "PDF after blank lines        | PDF",
        "plain text                   | UNKNOWN",
        "empty                        | OTHER",
        "only blanks                  | OTHER",
        "a lone SEQUENCE byte         | OTHER",
    })
    void eachKindIsToldFromItsFirstBytes(String kind, InputFormat expected) throws Exception {
        assertEquals(expected, InputFormat.of(head(kind)));
    }

    @Test
    void requireNamesWhatTheInputIsAndWhichCommandTakesItAndLeavesTheBytesAlone() throws Exception {
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> InputFormat.require(new ByteArrayInputStream(head("certificate (PEM)")), InputFormat.CMS));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertEquals("the input is an X.509 certificate (or a request, CRL or public key), not a CMS file", e.getMessage());
        assertEquals("X.509 certificates go with hsmkit encrypt -r and verify --trust; see one with openssl x509 -text -in FILE",
                e.hint().orElseThrow());

        HsmkitException p = assertThrows(HsmkitException.class,
                () -> InputFormat.require(new ByteArrayInputStream(head("hsmkit's CMS (DER)")), InputFormat.OPENPGP));
        assertEquals("the input is a CMS file, not OpenPGP data", p.getMessage());

        byte[] cms = head("hsmkit's CMS (DER)");
        assertArrayEquals(cms, InputFormat.require(new ByteArrayInputStream(cms), InputFormat.CMS).readAllBytes());
        byte[] damaged = head("CMS damaged at byte 0");
        assertArrayEquals(damaged, InputFormat.require(new ByteArrayInputStream(damaged), InputFormat.OPENPGP).readAllBytes(),
                "what is not certain is left to the parser");
        HsmkitException t = assertThrows(HsmkitException.class,
                () -> InputFormat.require(new ByteArrayInputStream(head("plain text")), InputFormat.OPENPGP));
        assertEquals("the input is not OpenPGP data: neither packets nor ASCII armour", t.getMessage());
        assertTrue(t.hint().orElseThrow().contains("pgp verify DATA SIG"), t.hint().orElseThrow());
    }

    private static byte[] head(String kind) throws Exception {
        return switch (kind) {
            case "hsmkit's CMS (DER)" -> cms(false);
            case "hsmkit's CMS (PEM)" -> cms(true);
            case "openssl's PKCS7 label" -> ascii("-----BEGIN PKCS7-----\nMIIB\n-----END PKCS7-----\n");
            case "gpgsm's armour" -> ascii("-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n");
            case "BER, indefinite length" -> new byte[] {0x30, (byte) 0x80, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48};
            case "certificate (DER)" -> ALICE.certificate().getEncoded();
            case "certificate (PEM)" -> pem(ALICE.certificate());
            case "certificate request (PEM)" -> ascii("-----BEGIN CERTIFICATE REQUEST-----\nMIIC\n");
            case "public key (PEM)" -> pem(ALICE.publicKey());
            case "private key (PKCS#8 DER)" -> ALICE.privateKey().getEncoded();
            case "private key (PEM)" -> pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(ALICE.privateKey(), null));
            case "RSA private key (PEM)" -> ascii("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n");
            case "PKCS#12 key store" -> pkcs12();
            case "OpenPGP binary packet" -> new byte[] {(byte) 0xc1, 0x0c, 0x03};
            case "OpenPGP old-format packet" -> new byte[] {(byte) 0x85, 0x01, 0x0c, 0x03};
            case "CMS damaged at byte 0" -> flip(cms(false), 0, 0x80);
            case "CMS with its OID tag damaged" -> flipContentTypeTag(cms(false));
            case "EC private key (SEC 1 DER)" -> new byte[] {0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20};
            case "OpenPGP armour" -> ascii("-----BEGIN PGP MESSAGE-----\n\nwcBMA\n");
            case "OpenPGP cleartext signature" -> ascii("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhello\n");
            case "PDF" -> ascii("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n");
            case "PDF after blank lines" -> ascii("\r\n\r\n%PDF-1.4\n");
            case "plain text" -> ascii("Dear Bob,\nthe figures are fine.\n");
            case "empty" -> new byte[0];
            case "only blanks" -> ascii(" \n\t\r\n");
            case "a lone SEQUENCE byte" -> new byte[] {0x30};
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static byte[] cms(boolean armor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CmsEncryptor.to(RecipientSet.of(List.of(ALICE.certificate()))).armor(armor).build()
                .encrypt(new ByteArrayInputStream(new byte[10]), out);
        return out.toByteArray();
    }

    /** The OID tag 0x06 made an INTEGER tag 0x02 by one bit. */
    private static byte[] flipContentTypeTag(byte[] cms) {
        int len = cms[1] & 0xff;
        int at = len > 0x80 ? 2 + (len - 0x80) : 2;
        assertEquals(0x06, cms[at]);
        return flip(cms, at, 0x04);
    }

    private static byte[] flip(byte[] b, int at, int bits) {
        b[at] ^= (byte) bits;
        return b;
    }

    private static byte[] pkcs12() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("a", ALICE.privateKey(), "pw".toCharArray(), new java.security.cert.Certificate[] {ALICE.certificate()});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, "pw".toCharArray());
        return out.toByteArray();
    }

    private static byte[] pem(Object o) throws Exception {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return ascii(sw.toString());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
