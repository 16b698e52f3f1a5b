package org.hsmkit.core.internal.card;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.UnaryOperator;

import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.util.DigestFactory;
import org.bouncycastle.util.BigIntegers;
import org.hsmkit.core.DigestAlgorithm;

/**
 * RSA signatures where the card computes only the plain RSA function on a block the host encoded
 * (the SmartCard-HSM's "RSA raw" algorithm, as OpenSC drives it): EMSA-PKCS1-v1_5 over a
 * DigestInfo, or EMSA-PSS by Bouncy Castle's PSS signer with MGF1 over the same hash and a salt as
 * long as the hash.
 */
final class RsaSignatureEncoding {
    private RsaSignatureEncoding() {
    }

    /** The PKCS#1 v1.5 signature block 00 01 FF…FF 00 ‖ DigestInfo for a modulus of {@code bits}. */
    static byte[] pkcs1Block(byte[] digestInfo, int bits) {
        int k = (bits + 7) / 8;
        if (digestInfo.length > k - 11) {
            throw new IllegalArgumentException("the DigestInfo does not fit a " + bits + "-bit key");
        }
        byte[] em = new byte[k];
        em[1] = 0x01;
        Arrays.fill(em, 2, k - digestInfo.length - 1, (byte) 0xFF);
        System.arraycopy(digestInfo, 0, em, k - digestInfo.length, digestInfo.length);
        return em;
    }

    /** An RSA-PSS signature of {@code digest}, the private operation done by {@code rawRsa}. */
    static byte[] pss(DigestAlgorithm algorithm, byte[] digest, BigInteger modulus, UnaryOperator<byte[]> rawRsa,
            SecureRandom random) {
        Digest mgf = switch (algorithm) {
            case SHA256 -> DigestFactory.createSHA256();
            case SHA384 -> DigestFactory.createSHA384();
            case SHA512 -> DigestFactory.createSHA512();
        };
        PSSSigner signer = PSSSigner.createRawSigner(new CardEngine(modulus.bitLength(), rawRsa), mgf, mgf,
                algorithm.length(), PSSSigner.TRAILER_IMPLICIT);
        signer.init(true, new ParametersWithRandom(new RSAKeyParameters(true, modulus, BigInteger.ONE), random));
        signer.update(digest, 0, digest.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Passes the encoded block to the card; the answer is the signature, left-padded to the modulus length. */
    private static final class CardEngine implements AsymmetricBlockCipher {
        private final int bits;
        private final UnaryOperator<byte[]> rawRsa;

        CardEngine(int bits, UnaryOperator<byte[]> rawRsa) {
            this.bits = bits;
            this.rawRsa = rawRsa;
        }

        @Override
        public void init(boolean forEncryption, CipherParameters param) {
        }

        @Override
        public int getInputBlockSize() {
            return (bits + 7) / 8;
        }

        @Override
        public int getOutputBlockSize() {
            return (bits + 7) / 8;
        }

        @Override
        public byte[] processBlock(byte[] in, int inOff, int len) {
            byte[] block = new byte[getInputBlockSize()];
            System.arraycopy(in, inOff, block, block.length - len, len);
            byte[] out = rawRsa.apply(block);
            return BigIntegers.asUnsignedByteArray(getOutputBlockSize(), new BigInteger(1, out));
        }
    }
}
