package org.hsmkit.core.internal.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.vectors.Vectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The host's symmetric steps against vectors: hsmkit's streaming GCM decryption (CTR plus a
 * recomputed tag) on Wycheproof AES-GCM vectors, with tags altered, truncated and of lengths CMS
 * does not allow, and nonces of other lengths; AES key unwrap on vectors made by openssl.
 */
class SymmetricVectorsTest {

    static List<Vectors.Case> gcm() {
        return Vectors.cases("wycheproof/aes_gcm_excerpt.json");
    }

    private static ContentDecryption gcm(byte[] key, byte[] iv, int tagBytes) {
        // the parameters as a file carries them: a sequence of nonce and tag length, whatever their values
        DERSequence params = new DERSequence(new ASN1Encodable[] {new DEROctetString(iv), new ASN1Integer(tagBytes)});
        return ContentDecryption.of(new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_GCM, params), key.clone());
    }

    /** Decrypts and checks the tag; returns the plaintext that would be released. */
    private static byte[] open(byte[] key, byte[] iv, byte[] ct, byte[] tag) throws Exception {
        ContentDecryption d = gcm(key, iv, tag.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.run(new ByteArrayInputStream(ct), out);
        d.verify(new EnvelopeReader.Trailer(null, tag, null), null);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gcm")
    void everyValidGcmVectorDecryptsAndEveryTruncationCmsAllowsVerifies(Vectors.Case c) throws Exception {
        byte[] tag = c.hex("tag");
        assertArrayEquals(c.hex("msg"), open(c.hex("key"), c.hex("iv"), c.hex("ct"), tag));
        for (int t = 12; t < 16; t++) {
            assertArrayEquals(c.hex("msg"), open(c.hex("key"), c.hex("iv"), c.hex("ct"), Arrays.copyOf(tag, t)), "tag of " + t + " bytes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gcm")
    void everyAlteredTagOrCiphertextIsRefusedWithTheSameError(Vectors.Case c) {
        byte[] key = c.hex("key");
        byte[] iv = c.hex("iv");
        byte[] ct = c.hex("ct");
        byte[] tag = c.hex("tag");
        Set<String> messages = new HashSet<>();
        List<byte[][]> altered = new java.util.ArrayList<>();
        for (int[] flip : new int[][] {{0, 0x01}, {0, 0x80}, {15, 0x01}, {15, 0x80}, {7, 0x10}}) {
            byte[] t = tag.clone();
            t[flip[0]] ^= flip[1];
            altered.add(new byte[][] {ct, t});
        }
        altered.add(new byte[][] {ct, new byte[16]});
        byte[] lastBitsOfTruncation = Arrays.copyOf(tag, 12);
        lastBitsOfTruncation[11] ^= 1;
        altered.add(new byte[][] {ct, lastBitsOfTruncation});
        if (ct.length > 0) {
            byte[] x = ct.clone();
            x[x.length - 1] ^= 1;
            altered.add(new byte[][] {x, tag});
        }
        for (byte[][] a : altered) {
            HsmkitException e = assertThrows(HsmkitException.class, () -> open(key, iv, a[0], a[1]));
            assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
            messages.add(e.getMessage());
        }
        assertEquals(1, messages.size(), messages.toString());
    }

    @ParameterizedTest(name = "a tag of {0} bytes")
    @ValueSource(ints = {0, 1, 4, 8, 11, 17, 32})
    void tagLengthsOutsideTwelveToSixteenBytesAreRefusedBeforeDecrypting(int tagBytes) {
        Vectors.Case c = gcm().get(0);
        HsmkitException e = assertThrows(HsmkitException.class, () -> gcm(c.hex("key"), c.hex("iv"), tagBytes));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("tag of " + tagBytes + " bytes") || e.getMessage().contains("parameters are invalid"),
                e.getMessage());
    }

    @ParameterizedTest(name = "a nonce of {0} bytes")
    @ValueSource(ints = {0, 1, 8, 11, 13, 16, 64})
    void nonceLengthsOtherThanTwelveBytesAreRefused(int nonceBytes) {
        Vectors.Case c = gcm().get(0);
        HsmkitException e = assertThrows(HsmkitException.class, () -> gcm(c.hex("key"), new byte[nonceBytes], 16));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("nonce") || e.getMessage().contains("parameters"), e.getMessage());
    }

    @Test
    void keyUnwrapGivesEveryValidKeyAndOneErrorForEveryBadWrap() {
        Set<String> messages = new HashSet<>();
        int valid = 0;
        for (Vectors.Case c : Vectors.cases("generated/aes_wrap_test.json")) {
            if (c.valid()) {
                assertArrayEquals(c.hex("msg"), KeyUnwrap.unwrapWithKek(c.hex("key"), c.hex("ct")), c.toString());
                valid++;
            } else {
                HsmkitException e = assertThrows(HsmkitException.class, () -> KeyUnwrap.unwrapWithKek(c.hex("key"), c.hex("ct")),
                        c.toString());
                assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), c.toString());
                messages.add(e.getMessage());
            }
        }
        assertEquals(9, valid);
        assertEquals(1, messages.size(), messages.toString());
    }
}
