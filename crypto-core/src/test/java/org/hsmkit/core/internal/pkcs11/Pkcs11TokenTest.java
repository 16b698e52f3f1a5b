package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The objects on a PKCS#11 token (SoftHSM2): keys generated with an id and label, keys made by
 * pkcs11-tool without certificate, certificates stored and imported, keys deleted; what
 * pkcs11-tool lists afterwards is the independent check.
 */
class Pkcs11TokenTest {
    private static final byte[] MESSAGE = "token objects".getBytes(StandardCharsets.UTF_8);

    private static SoftHsmToken hsm;
    private static Token token;

    @TempDir
    static Path dir;

    @BeforeAll
    static void openToken() {
        hsm = SoftHsmToken.create("objects");
        token = open();
    }

    private static Token open() {
        return TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
    }

    @AfterAll
    static void closeToken() {
        token.close();
        hsm.close();
    }

    private static String listObjects() {
        return hsm.pkcs11Tool("--list-objects").stdoutText();
    }

    private static boolean signs(TokenKey key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        SignatureScheme scheme = SignatureScheme.defaultFor(key.type());
        Signature v = Signature.getInstance(key.type().isRsa() ? "SHA256withRSA" : "SHA256withECDSA", Providers.bc());
        v.initVerify(key.publicKey());
        v.update(MESSAGE);
        return v.verify(key.signDigest(scheme, DigestAlgorithm.SHA256, digest));
    }

    @Test
    void aGeneratedKeyCarriesItsIdAndLabelOnTheToken() {
        TokenKey k = token.generateKey(KeyType.EC_P256, "signing key", new byte[] {(byte) 0xa1, 0x01});
        assertArrayEquals(new byte[] {(byte) 0xa1, 0x01}, k.id());
        assertEquals("signing key", k.label());
        String objects = listObjects();
        assertTrue(objects.contains("label:      signing key"), objects);
        assertTrue(objects.contains("ID:         a101"), objects);
        assertTrue(k.certificate().isEmpty());
        assertEquals("signing key", token.key("signing key").label());
        assertEquals("signing key", token.key("pkcs11:id=%A1%01").label());
        assertEquals("signing key", token.key(k.reference()).label(), k.reference());
    }

    @Test
    void withoutAnIdTheIdIsTheSha1OfThePublicKey() throws Exception {
        TokenKey k = token.generateKey(KeyType.RSA_2048, "derived id", null);
        byte[] bits = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(k.publicKey().getEncoded())
                .getPublicKeyData().getBytes();
        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(bits), k.id());
        assertTrue(listObjects().contains("ID:         " + HexFormat.of().formatHex(k.id())));
    }

    @Test
    void aDuplicateIdOrLabelIsRefusedAndNothingIsCreated() {
        token.generateKey(KeyType.EC_P256, "taken", new byte[] {0x77});
        int before = token.keys().size();
        HsmkitException byId = assertThrows(HsmkitException.class, () -> token.generateKey(KeyType.EC_P256, "free", new byte[] {0x77}));
        assertEquals(ErrorKind.KEY, byId.kind());
        assertTrue(byId.getMessage().contains("id 77"), byId.getMessage());
        HsmkitException byLabel = assertThrows(HsmkitException.class, () -> token.generateKey(KeyType.RSA_2048, "taken", new byte[] {0x78}));
        assertTrue(byLabel.getMessage().contains("labelled 'taken'"), byLabel.getMessage());
        assertEquals(before, token.keys().size());
        assertFalse(listObjects().contains("ID:         78"));
    }

    @Test
    void keysMadeByPkcs11ToolWithoutCertificateAreFoundAndWork() throws Exception {
        hsm.pkcs11Tool("--keypairgen", "--key-type", "rsa:2048", "--id", "5001", "--label", "tool-rsa");
        hsm.pkcs11Tool("--keypairgen", "--key-type", "EC:secp384r1", "--id", "5002", "--label", "tool-ec");
        try (Token fresh = open()) {
            TokenKey rsa = fresh.key("tool-rsa");
            TokenKey ec = fresh.key("pkcs11:id=%50%02");
            assertEquals(KeyType.RSA_2048, rsa.type());
            assertEquals(KeyType.EC_P384, ec.type());
            assertTrue(rsa.certificate().isEmpty());
            assertTrue(signs(rsa));
            assertTrue(signs(ec));
            Openssl openssl = new Openssl(dir);
            byte[] secret = new byte[32];
            assertArrayEquals(secret, rsa.decrypt(RsaPadding.OAEP_SHA256,
                    openssl.encrypt(rsa.publicKey(), RsaPadding.OAEP_SHA256, secret)));
            Path peer = openssl.generateEcKey(KeyType.EC_P384);
            assertArrayEquals(openssl.derive(peer, ec.publicKey()), ec.agree((ECPublicKey) openssl.publicKeyOf(peer)));
        }
    }

    @Test
    void anRsaKeyWhosePublicKeyObjectIsGoneIsStillListedFromItsModulus() throws Exception {
        hsm.pkcs11Tool("--keypairgen", "--key-type", "rsa:2048", "--id", "5101", "--label", "lonely");
        hsm.pkcs11Tool("--delete-object", "--type", "pubkey", "--id", "5101");
        try (Token fresh = open()) {
            TokenKey k = fresh.key("lonely");
            assertEquals(KeyType.RSA_2048, k.type());
            assertTrue(signs(k));
        }
    }

    @Test
    void aCertificateIsStoredWithTheKeysIdAndLabelAfterAMatchCheck() throws Exception {
        TokenKey key = token.generateKey(KeyType.EC_P256, "with cert", new byte[] {0x33});
        TestPki pki = TestPki.standard();
        X509Certificate wrong = pki.user(TestUser.BOB_P256).certificate();
        HsmkitException e = assertThrows(HsmkitException.class, () -> token.storeCertificate(key, wrong));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertFalse(listObjects().contains("Certificate Object"), "nothing stored for a certificate of another key");

        X509Certificate mine = pki.issueUser("Token User", new KeyPair(key.publicKey(), null), "token@hsmkit.test",
                KeyUsage.digitalSignature, null, Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(1, ChronoUnit.DAYS))
                .certificate();
        TokenKey withCert = token.storeCertificate(key, mine);
        assertEquals(mine, withCert.certificate().orElseThrow());
        String objects = listObjects();
        assertTrue(objects.contains("Certificate Object"), objects);
        assertTrue(token.certificates().contains(mine));

        X509Certificate renewed = pki.issueUser("Token User renewed", new KeyPair(key.publicKey(), null), null,
                KeyUsage.digitalSignature, null, Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(2, ChronoUnit.DAYS))
                .certificate();
        token.storeCertificate(withCert, renewed);
        try (Token fresh = open()) {
            assertEquals(renewed, fresh.key("with cert").certificate().orElseThrow());
            assertFalse(fresh.certificates().contains(mine), "the old certificate was replaced");
        }
    }

    @Test
    void anImportedKeyComesWithItsChainAndWorks() throws Exception {
        TestPki.Credential carol = TestPki.standard().user(TestUser.CAROL_P384);
        TestPki.Credential alice = TestPki.standard().user(TestUser.ALICE_RSA2048);
        token.importKey(carol.privateKey(), carol.chain(), "carol", new byte[] {0x0c});
        token.importKey(alice.privateKey(), alice.chain(), "alice", null);
        try (Token fresh = open()) {
            TokenKey k = fresh.key("carol");
            assertEquals(carol.chain(), k.certificateChain());
            assertTrue(signs(k));
            TokenKey a = fresh.key("alice");
            assertEquals(alice.chain(), a.certificateChain());
            Openssl openssl = new Openssl(dir);
            byte[] secret = "imported".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(secret, a.decrypt(RsaPadding.PKCS1, openssl.encrypt(a.publicKey(), RsaPadding.PKCS1, secret)));
        }
        String objects = listObjects();
        assertTrue(objects.contains("label:      carol"), objects);
        HsmkitException again = assertThrows(HsmkitException.class,
                () -> token.importKey(carol.privateKey(), carol.chain(), "carol again", new byte[] {0x0c}));
        assertEquals(ErrorKind.KEY, again.kind());
    }

    @Test
    void deletingAKeyRemovesPrivateKeyPublicKeyAndCertificate() throws Exception {
        TestPki.Credential dave = TestPki.standard().user(TestUser.DAVE_P521);
        TokenKey k = token.importKey(dave.privateKey(), List.of(dave.certificate()), "dave", new byte[] {0x0d, 0x0d});
        assertTrue(listObjects().contains("ID:         0d0d"));
        token.deleteKey(k);
        assertFalse(listObjects().contains("ID:         0d0d"), "no object with the id is left");
        HsmkitException e = assertThrows(HsmkitException.class, () -> token.key("dave"));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.hint().orElseThrow().contains("key list"));
    }

    @Test
    void aKeyUriForAnotherTokenOrAnUnknownKeyIsAClearError() {
        HsmkitException other = assertThrows(HsmkitException.class, () -> token.key("pkcs11:token=elsewhere;object=x"));
        assertTrue(other.getMessage().contains("another token"), other.getMessage());
        HsmkitException none = assertThrows(HsmkitException.class, () -> token.key("no such key"));
        assertTrue(none.getMessage().contains("no key 'no such key'"), none.getMessage());
        assertEquals(ErrorKind.USAGE, assertThrows(HsmkitException.class, () -> token.key("pkcs11:id=%zz")).kind());
    }

    @Test
    void infoDescribesTheTokenAndItsUriOpensIt() {
        TokenInfo info = token.info();
        assertEquals("pkcs11", info.kind());
        assertEquals(hsm.label(), info.label());
        assertEquals("SoftHSM project", info.manufacturer());
        assertTrue(info.flags().contains("TOKEN_INITIALIZED") && info.flags().contains("LOGIN_REQUIRED"), info.flags().toString());
        assertEquals("ok", info.pinState());
        assertTrue(info.location().endsWith("libsofthsm2.so"), info.location());
        try (Token same = TokenSpec.parse(info.uri()).open(new TokenOptions(Optional.of(hsm.module()),
                (p, c) -> { throw new AssertionError("no PIN is needed to read the info"); }, false))) {
            assertEquals(info.serial(), same.info().serial());
        }
    }

    @Test
    void listingShowsTheTokenAndTheFreeSlot() {
        List<TokenInfo> all = TokenSpec.parse("pkcs11:").list(new TokenOptions(Optional.of(hsm.module()),
                PinSource.of(hsm.userPin()), false));
        assertTrue(all.stream().anyMatch(i -> i.label().equals(hsm.label())), all.toString());
        assertTrue(all.stream().anyMatch(i -> i.pinState().equals("not initialised")), "SoftHSM2 keeps a free slot");
        List<TokenInfo> mine = TokenSpec.parse(hsm.uri()).list(new TokenOptions(Optional.of(hsm.module()),
                PinSource.of(hsm.userPin()), false));
        assertEquals(1, mine.size());
    }

    @Test
    void aUriMatchingNoTokenListsTheTokensThatArePresent() {
        HsmkitException e = assertThrows(HsmkitException.class, () -> TokenSpec.parse("pkcs11:token=absent")
                .open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false)));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("'" + hsm.label() + "'"), e.getMessage());
        assertTrue(e.hint().orElseThrow().contains("token list"));
    }

    @Test
    void aUriMatchingSeveralTokensAsksForASerial() {
        try (SoftHsmToken second = SoftHsmToken.create("objects")) {
            // opening it by its own URI makes the module show the new token (it initialises again)
            TokenSpec.parse(second.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false))
                    .close();
            HsmkitException e = assertThrows(HsmkitException.class, () -> TokenSpec.parse("pkcs11:manufacturer=SoftHSM%20project")
                    .open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false)));
            assertTrue(e.getMessage().contains("matches"), e.getMessage());
            assertTrue(e.hint().orElseThrow().contains("serial="));
        }
    }

    @Test
    void theBindingWritesNothingToStandardOutput() {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true));
        try (SoftHsmToken fresh = SoftHsmToken.create("quiet")) {
            // a token the module does not know yet: the module is initialised again, which the binding logs
            try (Token t = TokenSpec.parse(fresh.uri()).open(new TokenOptions(Optional.of(fresh.module()),
                    PinSource.of(fresh.userPin()), false))) {
                t.generateKey(KeyType.EC_P256, "quiet", null).signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256,
                        new byte[32]);
            }
        } finally {
            System.setOut(original);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thePinSourceInTheUriIsUsed() {
        try (SoftHsmToken fresh = SoftHsmToken.create("pin-source")) {
            String uri = fresh.uri() + "?pin-source=file:" + fresh.pinFile();
            try (Token t = TokenSpec.parse(uri).open(new TokenOptions(Optional.of(fresh.module()),
                    (p, c) -> { throw new AssertionError("the URI names the PIN file"); }, false))) {
                t.generateKey(KeyType.EC_P256, "needs a login", null);
                assertEquals(1, t.keys().size());
            }
        }
    }
}
