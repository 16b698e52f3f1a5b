package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.FaultInjectingModule;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xipki.pkcs11.wrapper.AttributeVector;

/**
 * One token, eight threads, 500 operations each (ECDSA signing, RSA decryption, ECDH in turn), on
 * SoftHSM2 (through the call-counting module) and on the soft token: every result is checked, the
 * token is logged in to once (the soft token's passphrase asked once), and on SoftHSM2 no session
 * or object outlives the work — every session opened is closed at the end, every ECDH secret the
 * token derived is destroyed, and the token holds as many objects after as before.
 */
class ConcurrencyTest {
    static final int THREADS = 8;
    static final int OPERATIONS = 500;

    @TempDir
    Path dir;

    /** The keys and what the three operations must produce with them. */
    record Work(TokenKey signer, TokenKey decrypter, TokenKey agreer, byte[] wrapped, byte[] secret, ECPublicKey peer, byte[] ecdh) {
        static Work prepare(TokenKey signer, TokenKey decrypter, TokenKey agreer) throws Exception {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.ENCRYPT_MODE, decrypter.publicKey());
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair peer = g.generateKeyPair();
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(peer.getPrivate());
            ka.doPhase(agreer.publicKey(), true);
            return new Work(signer, decrypter, agreer, c.doFinal(secret), secret, (ECPublicKey) peer.getPublic(), ka.generateSecret());
        }

        /** Runs {@link #THREADS} × {@link #OPERATIONS} checked operations; returns how many passed their check. */
        int run() throws Exception {
            AtomicInteger ok = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    all.add(pool.submit(() -> {
                        SecureRandom random = new SecureRandom();
                        for (int i = 0; i < OPERATIONS; i++) {
                            switch ((i + thread) % 3) {
                                case 0 -> {
                                    byte[] digest = new byte[32];
                                    random.nextBytes(digest);
                                    byte[] sig = signer.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest);
                                    Signature v = Signature.getInstance("NONEwithECDSA");
                                    v.initVerify(signer.publicKey());
                                    v.update(digest);
                                    assertTrue(v.verify(sig));
                                }
                                case 1 -> assertArrayEquals(secret, decrypter.decrypt(RsaPadding.PKCS1, wrapped));
                                default -> assertArrayEquals(ecdh, agreer.agree(peer));
                            }
                            ok.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            return ok.get();
        }
    }

    @Test
    void eightThreadsShareOneSoftHsm2TokenWithOneLoginAndLeaveNoSessionOrObjectBehind() throws Exception {
        FaultInjectingModule counting = FaultInjectingModule.build(Path.of("target", "fault-injector"));
        counting.plan();
        try (SoftHsmToken hsm = SoftHsmToken.create("threads")) {
            TokenOptions options = new TokenOptions(Optional.of(counting.path()), PinSource.of(hsm.userPin()), false);
            try (Token setup = TokenSpec.parse(hsm.uri()).open(options)) {
                setup.generateKey(KeyType.EC_P256, "signer", null);
                setup.generateKey(KeyType.RSA_2048, "decrypter", null);
            } // the last session closes: the login ends
            counting.plan();
            int objectsBefore;
            int objectsAfter;
            int passed;
            try (Token token = TokenSpec.parse(hsm.uri()).open(options)) {
                Pkcs11Token p11 = (Pkcs11Token) token;
                objectsBefore = objects(p11);
                Work w = Work.prepare(token.key("signer"), token.key("decrypter"), token.key("signer"));
                passed = w.run();
                objectsAfter = objects(p11);
            }
            assertEquals(THREADS * OPERATIONS, passed);
            assertEquals(objectsBefore, objectsAfter, "objects on the token before and after");
            assertEquals(1, counting.count("C_Login"), "one login: " + counting.counts());
            long derived = counting.calls().stream().filter(l -> l.equals("C_DeriveKey 0x0")).count();
            assertEquals(THREADS * OPERATIONS / 3, derived, counting.counts().toString());
            assertEquals(derived, counting.count("C_DestroyObject"), "every derived ECDH secret destroyed: " + counting.counts());
            long opened = counting.count("C_OpenSession");
            assertTrue(opened <= THREADS + 1, "a session per thread, reused: " + counting.counts());
            assertEquals(opened, counting.count("C_CloseSession"), "every session closed at the end: " + counting.counts());
        }
    }

    /** Every object the token shows this process: token objects and session objects of all its sessions. */
    private static int objects(Pkcs11Token token) {
        return token.call("counting objects", true, s -> s.findAllObjectsSingle(new AttributeVector()).length);
    }

    @Test
    void eightThreadsShareOneSoftTokenAndThePassphraseIsAskedOnce() throws Exception {
        TokenFaultTest.CountingPins pins = new TokenFaultTest.CountingPins();
        Path file = dir.resolve("token.p12");
        try (Token setup = TokenSpec.parse("soft:" + file).open(TokenOptions.withPins(pins))) {
            setup.generateKey(KeyType.EC_P256, "signer", null);
            setup.generateKey(KeyType.RSA_2048, "decrypter", null);
        }
        TokenFaultTest.CountingPins again = new TokenFaultTest.CountingPins();
        try (Token token = TokenSpec.parse("soft:" + file).open(TokenOptions.withPins(again))) {
            Work w = Work.prepare(token.key("signer"), token.key("decrypter"), token.key("signer"));
            assertEquals(THREADS * OPERATIONS, w.run());
        }
        assertEquals(1, again.prompts.size(), "the passphrase was asked " + again.prompts.size() + " times");
    }
}
