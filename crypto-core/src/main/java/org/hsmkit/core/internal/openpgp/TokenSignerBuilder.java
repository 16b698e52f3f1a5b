package org.hsmkit.core.internal.openpgp;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.operator.PGPContentSigner;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;

/**
 * Makes Bouncy Castle's OpenPGP signature generator sign on the token: the data and the signature
 * trailer are hashed on the host, and only the digest goes to {@link TokenKey#signDigest}, once
 * per signature. RSA keys sign with PKCS#1 v1.5 (the only RSA scheme OpenPGP v4 has), EC keys
 * with ECDSA.
 */
public final class TokenSignerBuilder implements PGPContentSignerBuilder {
    private final TokenKey key;
    private final int keyAlgorithm;
    private final DigestAlgorithm digest;

    public TokenSignerBuilder(TokenKey key, int keyAlgorithm) {
        this.key = key;
        this.keyAlgorithm = keyAlgorithm;
        this.digest = OpenPgpKeys.digestFor(key.type());
    }

    @Override
    public PGPContentSigner build(int signatureType, PGPPrivateKey privateKey) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(digest.jcaName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        SignatureScheme scheme = SignatureScheme.defaultFor(key.type());
        return new PGPContentSigner() {
            private byte[] hash;

            @Override
            public OutputStream getOutputStream() {
                return new OutputStream() {
                    @Override
                    public void write(int b) {
                        md.update((byte) b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        md.update(b, off, len);
                    }
                };
            }

            @Override
            public byte[] getSignature() {
                return key.signDigest(scheme, digest, getDigest());
            }

            @Override
            public byte[] getDigest() {
                if (hash == null) {
                    hash = md.digest();
                }
                return hash.clone();
            }

            @Override
            public int getType() {
                return signatureType;
            }

            @Override
            public int getHashAlgorithm() {
                return OpenPgpKeys.hashTag(digest);
            }

            @Override
            public int getKeyAlgorithm() {
                return keyAlgorithm;
            }

            @Override
            public long getKeyID() {
                return privateKey.getKeyID();
            }
        };
    }
}
