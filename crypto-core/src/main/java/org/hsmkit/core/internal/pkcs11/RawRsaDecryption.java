package org.hsmkit.core.internal.pkcs11;

import java.math.BigInteger;
import java.util.function.UnaryOperator;

import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.DigestFactory;
import org.bouncycastle.util.BigIntegers;
import org.hsmkit.core.RsaPadding;

/**
 * RSA decryption where the token computes only the raw RSA function (CKM_RSA_X_509, or the
 * SmartCard-HSM's plain RSA decipher) and
 * Bouncy Castle's OAEP and PKCS#1 v1.5 decoders remove the padding on the host. Used for OAEP
 * variants the token's CKM_RSA_PKCS_OAEP does not handle (SoftHSM2 offers only SHA-1), and
 * when a token lacks a padding mechanism. The decoders are Bouncy Castle's, not ours: padding
 * checks are where decryption oracles hide.
 */
public final class RawRsaDecryption {
    private RawRsaDecryption() {
    }

    /**
     * Decrypts one block.
     *
     * @param modulusBits the key's modulus length
     * @param rawRsa c → c^d mod n on the token (CKM_RSA_X_509)
     * @throws InvalidCipherTextException when the padding does not check
     */
    public static byte[] decrypt(RsaPadding padding, int modulusBits, byte[] ciphertext, UnaryOperator<byte[]> rawRsa)
            throws InvalidCipherTextException {
        AsymmetricBlockCipher engine = new TokenEngine(modulusBits, rawRsa);
        AsymmetricBlockCipher decoder;
        if (padding == RsaPadding.PKCS1) {
            decoder = new PKCS1Encoding(engine);
        } else {
            decoder = new OAEPEncoding(engine, digest(padding), digest(padding), null);
        }
        decoder.init(false, new AsymmetricKeyParameter(true));
        return decoder.processBlock(ciphertext, 0, ciphertext.length);
    }

    private static Digest digest(RsaPadding padding) {
        return switch (padding) {
            case OAEP_SHA1 -> DigestFactory.createSHA1();
            case OAEP_SHA256 -> DigestFactory.createSHA256();
            case OAEP_SHA384 -> DigestFactory.createSHA384();
            case OAEP_SHA512 -> DigestFactory.createSHA512();
            case PKCS1 -> throw new IllegalArgumentException("PKCS1 has no OAEP digest");
        };
    }

    /**
     * An RSA "engine" in decryption mode, shaped like Bouncy Castle's own RSA engine: input
     * blocks of the modulus size, output the unsigned result without leading zero bytes, output
     * block size one byte less than the modulus (the padding decoders rely on both).
     */
    private static final class TokenEngine implements AsymmetricBlockCipher {
        private final int bits;
        private final UnaryOperator<byte[]> rawRsa;

        TokenEngine(int bits, UnaryOperator<byte[]> rawRsa) {
            this.bits = bits;
            this.rawRsa = rawRsa;
        }

        @Override
        public void init(boolean forEncryption, CipherParameters param) {
            if (forEncryption) {
                throw new IllegalArgumentException("decryption only");
            }
        }

        @Override
        public int getInputBlockSize() {
            return (bits + 7) / 8;
        }

        @Override
        public int getOutputBlockSize() {
            return (bits - 1) / 8;
        }

        @Override
        public byte[] processBlock(byte[] in, int inOff, int len) {
            if (len > getInputBlockSize()) {
                throw new org.bouncycastle.crypto.DataLengthException("input too large for RSA cipher");
            }
            byte[] block = new byte[getInputBlockSize()];
            System.arraycopy(in, inOff, block, block.length - len, len);
            byte[] out = rawRsa.apply(block);
            return BigIntegers.asUnsignedByteArray(new BigInteger(1, out));
        }
    }
}
