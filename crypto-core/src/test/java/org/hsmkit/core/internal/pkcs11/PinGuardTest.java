package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.FaultInjectingModule;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No code path spends the final PIN try: with the token reporting CKF_USER_PIN_FINAL_TRY (or a
 * locked PIN), every operation that needs a login — listing or finding keys, signing, decrypting,
 * ECDH, generating, importing, storing a certificate, deleting — refuses with a PIN error and
 * C_Login is never called; the PIN source is not even asked.
 */
class PinGuardTest {
    private static SoftHsmToken hsm;
    private static FaultInjectingModule faults;
    private static byte[] rsaId;
    private static byte[] ecId;
    private static java.security.PublicKey rsaPublic;
    private static java.security.PublicKey ecPublic;
    private static byte[] bobId;

    @BeforeAll
    static void keys() {
        hsm = SoftHsmToken.create("pinguard");
        faults = FaultInjectingModule.build(Path.of("target", "fault-injector"));
        faults.plan();
        try (Token t = open(new TokenFaultTest.CountingPins())) {
            TokenKey rsa = t.generateKey(KeyType.RSA_2048, "rsa", null);
            TokenKey ec = t.generateKey(KeyType.EC_P256, "ec", null);
            rsaId = rsa.id();
            ecId = ec.id();
            rsaPublic = rsa.publicKey();
            ecPublic = ec.publicKey();
            TestPki.Credential bob = TestPki.standard().user(TestUser.BOB_P256);
            bobId = t.importKey(bob.privateKey(), List.of(), "bob", null).id(); // a certificate to store later
        } // closing the last session ends the login
    }

    @AfterAll
    static void close() {
        faults.plan();
        hsm.close();
    }

    private static Token open(TokenFaultTest.CountingPins pins) {
        return TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(faults.path()), pins, false));
    }

    @ParameterizedTest(name = "token flags + 0x{0}")
    @ValueSource(strings = {"20000", "40000"})
    void everyOperationThatNeedsALoginRefusesWithoutCallingCLogin(String flag) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey peer = (ECPublicKey) g.generateKeyPair().getPublic();
        TestPki.Credential bob = TestPki.standard().user(TestUser.BOB_P256);
        TestPki.Credential imported = TestPki.standard().user(TestUser.CAROL_P384);
        faults.plan("flags +0x" + flag);
        TokenFaultTest.CountingPins pins = new TokenFaultTest.CountingPins();
        try (Token t = open(pins)) {
            Pkcs11Token p11 = (Pkcs11Token) t;
            TokenKey rsa = new Pkcs11Key(p11, rsaId, "rsa", KeyType.RSA_2048, rsaPublic, List.of(), false);
            TokenKey ec = new Pkcs11Key(p11, ecId, "ec", KeyType.EC_P256, ecPublic, List.of(), false);
            TokenKey bobKey = new Pkcs11Key(p11, bobId, "bob", KeyType.EC_P256, bob.publicKey(), List.of(), false);
            Map<String, Consumer<Token>> operations = new LinkedHashMap<>();
            operations.put("list keys", Token::keys);
            operations.put("find a key", x -> x.key("rsa"));
            operations.put("sign (RSA)", x -> rsa.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, new byte[32]));
            operations.put("sign (EC)", x -> ec.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, new byte[32]));
            operations.put("decrypt", x -> rsa.decrypt(RsaPadding.PKCS1, new byte[256]));
            operations.put("decrypt (OAEP)", x -> rsa.decrypt(RsaPadding.OAEP_SHA256, new byte[256]));
            operations.put("ECDH", x -> ec.agree(peer));
            operations.put("generate a key", x -> x.generateKey(KeyType.EC_P256, "new", null));
            operations.put("import a key", x -> x.importKey(imported.privateKey(), imported.chain(), "imported", null));
            operations.put("store a certificate", x -> x.storeCertificate(bobKey, bob.certificate()));
            operations.put("delete a key", x -> x.deleteKey(ec));
            for (Map.Entry<String, Consumer<Token>> op : operations.entrySet()) {
                PinException e = assertThrows(PinException.class, () -> op.getValue().accept(t), op.getKey());
                assertTrue(e.getMessage().contains(flag.equals("20000") ? "final try" : "locked"), op.getKey() + ": " + e.getMessage());
            }
        }
        assertEquals(0, faults.count("C_Login"), "C_Login was called: " + faults.counts());
        assertTrue(faults.count("C_GetTokenInfo") >= 11, "the flags were read before each refusal: " + faults.counts());
    }
}
