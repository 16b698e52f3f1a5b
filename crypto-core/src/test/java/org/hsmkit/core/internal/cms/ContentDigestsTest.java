package org.hsmkit.core.internal.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;

import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.teletrust.TeleTrusTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;
import org.bouncycastle.operator.DigestCalculator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Content fed in blocks hashes to the same digest, however it was written. */
class ContentDigestsTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8191, 8192, 8193, 3 * 8192 + 5, 100000})
    void theDigestIsTheSameWhateverTheMixOfSingleBytesAndArrays(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
        int[] steps = {1, 1, 1, 8192, 7, 8191, 20000, 1, 8193};
        for (int rotate = 0; rotate < steps.length; rotate++) {
            DigestCalculator d = ContentDigests.provider().get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256));
            OutputStream out = d.getOutputStream();
            int off = 0;
            for (int i = rotate; off < size; i++) {
                int n = Math.min(steps[i % steps.length], size - off);
                if (n == 1) {
                    out.write(data[off]);
                } else {
                    out.write(data, off, n);
                }
                off += n;
            }
            assertArrayEquals(expected, d.getDigest(), "size " + size + ", rotation " + rotate);
        }
    }

    @Test
    void aDigestTheJdkLacksComesFromBouncyCastle() throws Exception {
        byte[] data = "a foreign signer's RIPEMD-160".getBytes(StandardCharsets.US_ASCII);
        DigestCalculator d = ContentDigests.provider().get(new AlgorithmIdentifier(TeleTrusTObjectIdentifiers.ripemd160));
        d.getOutputStream().write(data);
        RIPEMD160Digest expected = new RIPEMD160Digest();
        expected.update(data, 0, data.length);
        byte[] want = new byte[expected.getDigestSize()];
        expected.doFinal(want, 0);
        assertArrayEquals(want, d.getDigest());
    }
}
