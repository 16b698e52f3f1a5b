package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.util.BigIntegers;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.vectors.Vectors;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RSA decryption of one block against vectors: the Wycheproof PKCS#1 v1.5 excerpt and the
 * generated PKCS#1 / OAEP decoding vectors (one key, 2048 bits). Three decryptors read them —
 * the host-side decoding after raw RSA, the key imported into SoftHSM2 (token padding for
 * PKCS#1 and OAEP-SHA-1, raw RSA plus host decoding for OAEP-SHA-256) and the soft key — and
 * each must give the message for a valid vector and, for every invalid one, one and the same
 * error: the same kind, message and hint, and no cause that would tell which check failed.
 */
class RsaDecodingVectorsTest {
    private static final String WYCHEPROOF = "wycheproof/rsa_pkcs1_2048_excerpt.json";
    private static final String GENERATED = "generated/rsa_2048_decoding_test.json";

    private static RSAPrivateCrtKey privateKey;
    private static SoftHsmToken hsm;
    private static Token token;
    private static TokenKey onToken;
    private static TokenKey soft;

    @BeforeAll
    static void keys() throws Exception {
        privateKey = Vectors.rsaKey();
        soft = Vectors.rsaSoftKey();
        hsm = SoftHsmToken.create("rsavectors");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
        onToken = token.importKey(privateKey, List.of(), "wycheproof", null);
    }

    @AfterAll
    static void close() {
        token.close();
        hsm.close();
    }

    private record Vector(RsaPadding padding, Vectors.Case c) {
        @Override
        public String toString() {
            return padding + " " + c;
        }
    }

    private static List<Vector> vectors() {
        List<Vector> out = new ArrayList<>();
        for (Vectors.Case c : Vectors.cases(WYCHEPROOF)) {
            out.add(new Vector(RsaPadding.PKCS1, c));
        }
        for (Vectors.Case c : Vectors.cases(GENERATED)) {
            out.add(new Vector(RsaPadding.valueOf(c.text("padding")), c));
        }
        return out;
    }

    /** The raw RSA function a token computes (CKM_RSA_X_509), refusing what a token refuses. */
    private static byte[] rawRsa(byte[] block) {
        BigInteger c = new BigInteger(1, block);
        if (block.length != 256 || c.compareTo(privateKey.getModulus()) >= 0) {
            throw new IllegalArgumentException("not a ciphertext for this key");
        }
        return BigIntegers.asUnsignedByteArray(256, c.modPow(privateKey.getPrivateExponent(), privateKey.getModulus()));
    }

    @Test
    void theHostDecodingAfterRawRsaGivesTheMessageOfEveryValidVectorAndRefusesEveryInvalidOne() throws Exception {
        int checked = 0;
        for (Vector v : vectors()) {
            byte[] ct = v.c().hex("ct");
            if (ct.length != 256 || new BigInteger(1, ct).compareTo(privateKey.getModulus()) >= 0) {
                continue; // refused before decoding (by the token, and by Pkcs11Key's own length check)
            }
            if (v.c().valid()) {
                assertArrayEquals(v.c().hex("msg"), RawRsaDecryption.decrypt(v.padding(), 2048, ct, RsaDecodingVectorsTest::rawRsa),
                        v.toString());
            } else {
                Exception e = assertThrows(Exception.class,
                        () -> RawRsaDecryption.decrypt(v.padding(), 2048, ct, RsaDecodingVectorsTest::rawRsa), v.toString());
                assertTrue(e instanceof InvalidCipherTextException || e instanceof DataLengthException, v + ": " + e);
            }
            checked++;
        }
        assertTrue(checked >= 30, "only " + checked + " vectors checked");
    }

    @Test
    void theTokenKeyGivesEveryValidMessageAndOneIndistinguishableErrorForEveryInvalidVector() {
        checkKey(onToken);
    }

    @Test
    void theSoftKeyGivesEveryValidMessageAndOneIndistinguishableErrorForEveryInvalidVector() {
        checkKey(soft);
    }

    private static void checkKey(TokenKey key) {
        Set<String> errors = new HashSet<>();
        int invalid = 0;
        for (Vector v : vectors()) {
            byte[] ct = v.c().hex("ct");
            if (v.c().valid()) {
                assertArrayEquals(v.c().hex("msg"), key.decrypt(v.padding(), ct), v.toString());
                continue;
            }
            HsmkitException e = assertThrows(HsmkitException.class, () -> key.decrypt(v.padding(), ct), v.toString());
            assertEquals(ErrorKind.INPUT, e.kind(), v + ": " + e.getMessage());
            assertNull(e.getCause(), v + ": the error carries a cause that tells the failures apart");
            errors.add(v.padding() + ": " + e.getMessage() + " / " + e.hint().orElse(""));
            invalid++;
        }
        assertTrue(invalid >= 25, invalid + " invalid vectors");
        assertEquals(3, errors.size(), "one error per padding, whatever failed: " + errors);
    }
}
