package org.hsmkit.core.internal.soft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The software token: a PKCS#12 file that behaves like a PKCS#11 token. */
class SoftTokenTest {
    private static final String PASS = "correct horse";
    private static final byte[] MESSAGE = "soft token message".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    /** A PIN source that records how it was asked. */
    static final class RecordingPins implements PinSource {
        final List<String> asked = new ArrayList<>();
        final List<Boolean> confirms = new ArrayList<>();
        final String answer;

        RecordingPins(String answer) {
            this.answer = answer;
        }

        @Override
        public char[] pin(String prompt, boolean confirm) {
            asked.add(prompt);
            confirms.add(confirm);
            return answer.toCharArray();
        }
    }

    private Path file() {
        return dir.resolve("store").resolve("token.p12");
    }

    private Token open(PinSource pins) {
        return TokenSpec.parse("soft:" + file()).open(TokenOptions.withPins(pins));
    }

    private Token open() {
        return open(PinSource.of(PASS.toCharArray()));
    }

    private static boolean verifies(TokenKey key, String jcaAlg, byte[] signature) throws Exception {
        Signature v = Signature.getInstance(jcaAlg);
        v.initVerify(key.publicKey());
        v.update(MESSAGE);
        return v.verify(signature);
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void listingATokenThatDoesNotExistYetShowsNoKeysAsksNothingAndCreatesNothing() {
        RecordingPins pins = new RecordingPins(PASS);
        try (Token t = open(pins)) {
            assertEquals(List.of(), t.keys());
            assertEquals(List.of(), t.certificates());
            assertEquals("not initialised", t.info().pinState());
        }
        assertEquals(List.of(), pins.asked);
        assertFalse(Files.exists(file()));
        assertFalse(Files.exists(file().getParent()));
    }

    @Test
    void theFirstKeyCreatesTheFileWithAConfirmedPassphraseOwnerOnlyPermissions() throws Exception {
        RecordingPins pins = new RecordingPins(PASS);
        try (Token t = open(pins)) {
            t.generateKey(KeyType.EC_P256, "first", null);
        }
        assertEquals(List.of(true), pins.confirms, "a new passphrase is asked once, with confirmation");
        assertTrue(pins.asked.get(0).contains(file().toString()), pins.asked.get(0));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())));

        RecordingPins again = new RecordingPins(PASS);
        try (Token t = open(again)) {
            assertEquals("first", t.keys().get(0).label());
            t.keys();
        }
        assertEquals(List.of(false), again.confirms, "an existing token asks once, without confirmation");
    }

    @Test
    void aWrongPassphraseIsAPinExceptionThatSaysSo() {
        try (Token t = open()) {
            t.generateKey(KeyType.EC_P256, "k", null);
        }
        try (Token t = open(PinSource.of("wrong".toCharArray()))) {
            PinException e = assertThrows(PinException.class, t::keys);
            assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
            assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
            assertEquals(ErrorKind.KEY, e.kind());
        }
    }

    @Test
    void anEmptyNewPassphraseIsRefusedAndNothingIsCreated() {
        try (Token t = open(PinSource.of(new char[0]))) {
            assertThrows(PinException.class, () -> t.generateKey(KeyType.EC_P256, "k", null));
        }
        assertFalse(Files.exists(file()));
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = "RSA_4096", mode = EnumSource.Mode.EXCLUDE)
    void everyKeyTypeIsGeneratedStoredWithoutCertificateAndSignsAfterReopening(KeyType type) throws Exception {
        byte[] id = {0x10, (byte) type.ordinal()};
        try (Token t = open()) {
            TokenKey k = t.generateKey(type, "gen-" + type.name(), id);
            assertEquals(type, k.type());
        }
        try (Token t = open()) {
            TokenKey k = t.key("gen-" + type.name());
            assertEquals(type, k.type());
            assertArrayEquals(id, k.id());
            assertTrue(k.certificate().isEmpty(), "the placeholder is not shown as a certificate");
            assertEquals(List.of(), k.certificateChain());
            assertEquals(List.of(), t.certificates());
            byte[] digest = sha256(MESSAGE);
            if (type.isRsa()) {
                assertTrue(verifies(k, "SHA256withRSA", k.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, digest)));
            } else {
                Signature v = Signature.getInstance("SHA256withECDSA", org.hsmkit.core.internal.Providers.bc());
                v.initVerify(k.publicKey());
                v.update(MESSAGE);
                assertTrue(v.verify(k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest)));
            }
        }
    }

    @Test
    void withoutAnIdTheIdIsTheSha1OfThePublicKeyBits() throws Exception {
        try (Token t = open()) {
            TokenKey k = t.generateKey(KeyType.EC_P384, "derived", null);
            byte[] bits = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(k.publicKey().getEncoded())
                    .getPublicKeyData().getBytes();
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(bits), k.id());
        }
    }

    @Test
    void aDuplicateIdOrLabelIsRefusedAndTheFileStaysAsItWas() throws Exception {
        try (Token t = open()) {
            t.generateKey(KeyType.EC_P256, "one", new byte[] {1});
        }
        byte[] before = Files.readAllBytes(file());
        try (Token t = open()) {
            HsmkitException byId = assertThrows(HsmkitException.class, () -> t.generateKey(KeyType.EC_P256, "two", new byte[] {1}));
            assertEquals(ErrorKind.KEY, byId.kind());
            assertTrue(byId.getMessage().contains("id 01"), byId.getMessage());
            HsmkitException byLabel = assertThrows(HsmkitException.class, () -> t.generateKey(KeyType.EC_P256, "one", new byte[] {2}));
            assertTrue(byLabel.getMessage().contains("labelled 'one'"), byLabel.getMessage());
            assertEquals(1, t.keys().size());
        }
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void keysAreFoundByLabelOrByPkcs11UriAttributes() {
        try (Token t = open()) {
            t.generateKey(KeyType.EC_P256, "mail", new byte[] {0x0a});
            t.generateKey(KeyType.EC_P256, "web", new byte[] {0x0b});
            assertEquals("mail", t.key("mail").label());
            assertEquals("web", t.key("pkcs11:object=web").label());
            assertEquals("web", t.key("pkcs11:id=%0B").label());
            assertEquals("mail", t.key("pkcs11:object=mail;id=%0a;type=private").label());

            HsmkitException none = assertThrows(HsmkitException.class, () -> t.key("nope"));
            assertEquals(ErrorKind.KEY, none.kind());
            assertTrue(none.getMessage().contains("'mail'") && none.getMessage().contains("'web'"), none.getMessage());
            assertThrows(HsmkitException.class, () -> t.key("pkcs11:object=mail;id=%0B"));
            HsmkitException otherToken = assertThrows(HsmkitException.class, () -> t.key("pkcs11:token=HSM;object=mail"));
            assertTrue(otherToken.getMessage().contains("PKCS#11 token"), otherToken.getMessage());
        }
    }

    @Test
    void aStoredCertificateMustMatchTheKeyAndReplacesThePlaceholder() throws Exception {
        TestPki pki = TestPki.standard();
        TestPki.Credential bob = pki.user(TestUser.BOB_P256);
        try (Token t = open()) {
            TokenKey mine = t.importKey(bob.privateKey(), List.of(), "bob", new byte[] {7});
            assertTrue(mine.certificate().isEmpty());
            X509Certificate other = pki.user(TestUser.CAROL_P384).certificate();
            HsmkitException e = assertThrows(HsmkitException.class, () -> t.storeCertificate(mine, other));
            assertEquals(ErrorKind.INPUT, e.kind());
            assertTrue(t.key("bob").certificate().isEmpty());

            TokenKey withCert = t.storeCertificate(mine, bob.certificate());
            assertEquals(bob.certificate(), withCert.certificate().orElseThrow());
        }
        try (Token t = open()) {
            TokenKey k = t.key("bob");
            assertEquals(bob.certificate(), k.certificate().orElseThrow());
            assertArrayEquals(new byte[] {7}, k.id());
            assertEquals(List.of(bob.certificate()), t.certificates());
        }
    }

    @Test
    void anImportedKeyKeepsItsChainAndTheIssuersAreListedAsCertificates() throws Exception {
        TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
        try (Token t = open()) {
            t.importKey(alice.privateKey(), alice.chain(), "alice", null);
        }
        try (Token t = open()) {
            TokenKey k = t.key("alice");
            assertEquals(alice.chain(), k.certificateChain());
            assertEquals(3, t.certificates().size());
            assertArrayEquals(KeyIds.of(alice.publicKey()), k.id());
            assertTrue(verifies(k, "SHA256withRSA", k.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, sha256(MESSAGE))));
        }
    }

    @Test
    void anImportWhoseCertificateIsForAnotherKeyIsRefused() {
        TestPki pki = TestPki.standard();
        try (Token t = open()) {
            HsmkitException e = assertThrows(HsmkitException.class, () -> t.importKey(pki.user(TestUser.BOB_P256).privateKey(),
                    pki.user(TestUser.CAROL_P384).chain(), "x", null));
            assertEquals(ErrorKind.INPUT, e.kind());
        }
        assertFalse(Files.exists(file()));
    }

    @Test
    void deletingAKeyRemovesItAndItsCertificateAndKeepsTheOthers() {
        TestPki pki = TestPki.standard();
        try (Token t = open()) {
            TokenKey bob = t.importKey(pki.user(TestUser.BOB_P256).privateKey(), pki.user(TestUser.BOB_P256).chain(), "bob", null);
            t.generateKey(KeyType.EC_P256, "keep", null);
            t.deleteKey(bob);
            assertEquals(List.of("keep"), t.keys().stream().map(TokenKey::label).toList());
        }
        try (Token t = open()) {
            assertEquals(List.of("keep"), t.keys().stream().map(TokenKey::label).toList());
            assertTrue(t.certificates().stream().noneMatch(c -> c.equals(pki.user(TestUser.BOB_P256).certificate())));
            assertThrows(HsmkitException.class, () -> t.key("bob"));
        }
    }

    @Test
    void twoOpenTokensOnOneFileDoNotLoseEachOthersKeys() {
        try (Token a = open(); Token b = open()) {
            a.generateKey(KeyType.EC_P256, "from-a", null);
            b.keys();
            a.generateKey(KeyType.EC_P256, "from-a-2", null);
            b.generateKey(KeyType.EC_P256, "from-b", null);
        }
        try (Token t = open()) {
            assertEquals(List.of("from-a", "from-a-2", "from-b"), t.keys().stream().map(TokenKey::label).toList());
        }
    }

    @Test
    void opensslReadsTheFileWithTheLabelsAndIds() {
        ExternalTool.require("openssl", "openssl");
        try (Token t = open()) {
            t.generateKey(KeyType.RSA_2048, "for-openssl", new byte[] {(byte) 0xab, (byte) 0xcd});
        }
        ExternalTool.Result r = ExternalTool.run(dir, null, Map.of("P", PASS),
                List.of("openssl", "pkcs12", "-in", file().toString(), "-passin", "env:P", "-nodes")).requireSuccess();
        String out = r.stdoutText();
        assertTrue(out.contains("friendlyName: for-openssl"), out);
        assertTrue(out.contains("localKeyID: AB CD"), out);
        assertTrue(out.contains("BEGIN PRIVATE KEY"), out);
    }

    @Test
    void theJdkKeyStoreReadsTheFileWithLabelsAsAliases() throws Exception {
        TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
        try (Token t = open()) {
            t.importKey(alice.privateKey(), alice.chain(), "alice", null);
            t.generateKey(KeyType.EC_P256, "no cert yet", null);
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(file())) {
            ks.load(in, PASS.toCharArray());
        }
        assertTrue(ks.isKeyEntry("alice"));
        assertTrue(ks.isKeyEntry("no cert yet"));
        assertEquals(alice.certificate(), ks.getCertificate("alice"));
        assertTrue(PlaceholderCertificate.is((X509Certificate) ks.getCertificate("no cert yet")));
        assertTrue(ks.getKey("alice", PASS.toCharArray()) instanceof java.security.PrivateKey);
    }

    @Test
    void aPkcs12FileMadeByTheJdkIsUsableAsSoftToken() throws Exception {
        TestPki pki = TestPki.standard();
        TestPki.writeCredential(dir, pki.user(TestUser.CAROL_P384));
        Path p12 = dir.resolve(TestUser.CAROL_P384.fileName() + ".p12");
        try (Token t = TokenSpec.parse("soft:" + p12).open(TokenOptions.withPins(PinSource.of(TestPki.P12_PASSWORD.toCharArray())))) {
            TokenKey k = t.keys().get(0);
            assertEquals(TestUser.CAROL_P384.fileName(), k.label());
            assertEquals(KeyType.EC_P384, k.type());
            assertEquals(pki.user(TestUser.CAROL_P384).chain(), k.certificateChain());
        }
    }

    @Test
    void aPkcs12FileMadeByOpensslIsUsableAndStaysReadableByOpensslAfterAChange() throws Exception {
        ExternalTool.require("openssl", "openssl");
        TestPki pki = TestPki.standard();
        TestPki.writeCredential(dir, pki.user(TestUser.BOB_P256));
        String bob = TestUser.BOB_P256.fileName();
        Path p12 = dir.resolve("from-openssl.p12");
        Files.writeString(dir.resolve("issuers.pem"), TestPki.pem(pki.user(TestUser.BOB_P256).chain().subList(1, 3)));
        ExternalTool.run(dir, null, Map.of("P", PASS), List.of("openssl", "pkcs12", "-export", "-inkey", bob + ".key.pem",
                "-in", bob + ".pem", "-certfile", "issuers.pem", "-name", "bob", "-passout", "env:P", "-out", p12.toString()))
                .requireSuccess();
        TokenSpec spec = TokenSpec.parse("soft:" + p12);
        try (Token t = spec.open(TokenOptions.withPins(PinSource.of(PASS.toCharArray())))) {
            TokenKey k = t.key("bob");
            assertEquals(pki.user(TestUser.BOB_P256).chain(), k.certificateChain());
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(k.publicKey());
            v.update(MESSAGE);
            assertTrue(v.verify(k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, sha256(MESSAGE))));
            t.generateKey(KeyType.EC_P384, "added", new byte[] {0x42});
        }
        String out = ExternalTool.run(dir, null, Map.of("P", PASS),
                List.of("openssl", "pkcs12", "-in", p12.toString(), "-passin", "env:P", "-nodes")).requireSuccess().stdoutText();
        assertTrue(out.contains("friendlyName: bob") && out.contains("friendlyName: added"), out);
        assertEquals(2, out.split("BEGIN PRIVATE KEY", -1).length - 1, out);
    }

    @Test
    void infoDescribesTheSoftTokenWithoutAskingForThePassphrase() {
        try (Token t = open()) {
            t.generateKey(KeyType.EC_P256, "k", null);
        }
        RecordingPins pins = new RecordingPins(PASS);
        try (Token t = open(pins)) {
            TokenInfo info = t.info();
            assertEquals("soft", info.kind());
            assertEquals("hsmkit soft token", info.label());
            assertEquals(file().toString(), info.location());
            assertEquals("ok", info.pinState());
            assertEquals("soft:" + file(), info.uri());
        }
        assertEquals(List.of(), pins.asked);
        assertEquals(file().toString(), TokenSpec.parse("soft:" + file()).list(TokenOptions.withPins(pins)).get(0).location());
    }

    @Test
    void aStoredKeyIsDecryptedOnlyWhileTheTokenIsOpen() {
        try (Token t = open()) {
            t.generateKey(KeyType.EC_P256, "k", null);
        }
        TokenKey k;
        try (Token t = open()) {
            k = t.key("k");
        }
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, new byte[32]));
        assertTrue(e.hint().orElseThrow().contains("closed"), e.hint().orElseThrow());
    }

    @Test
    void randomBytesFillTheBufferDifferentlyEachTime() {
        try (Token t = open()) {
            byte[] a = new byte[32];
            byte[] b = new byte[32];
            t.randomBytes(a);
            t.randomBytes(b);
            assertNotEquals(HexFormat.of().formatHex(a), HexFormat.of().formatHex(b));
            assertFalse(java.util.Arrays.equals(new byte[32], a));
        }
    }
}
