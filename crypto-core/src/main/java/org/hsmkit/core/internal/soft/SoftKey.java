package org.hsmkit.core.internal.soft;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.function.Supplier;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.KeyChecks;
import org.hsmkit.core.internal.Providers;

/**
 * A private key held in memory by the software token (or given by a program that already has a
 * JCA key). Same guarantees as any {@link TokenKey}: it signs digests, decrypts one block, agrees.
 */
public final class SoftKey implements TokenKey {
    /** The key, or how to get it: the soft token decrypts a stored key only when it is first used. */
    private final Supplier<PrivateKey> privateKey;
    private final PublicKey publicKey;
    private final List<X509Certificate> chain;
    private final String label;
    private final byte[] id;
    private final KeyType type;

    public SoftKey(PrivateKey privateKey, PublicKey publicKey, List<X509Certificate> chain, String label, byte[] id) {
        this(() -> privateKey, publicKey, chain, label, id);
    }

    SoftKey(Supplier<PrivateKey> privateKey, PublicKey publicKey, List<X509Certificate> chain, String label, byte[] id) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.chain = List.copyOf(chain);
        this.label = label == null ? "" : label;
        this.id = id == null ? new byte[0] : id.clone();
        this.type = KeyTypes.of(publicKey);
    }

    /** A key with a certificate chain (first: the key's own certificate). */
    public static SoftKey of(PrivateKey privateKey, List<X509Certificate> chain, String label) {
        return new SoftKey(privateKey, chain.get(0).getPublicKey(), chain, label, null);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    @Override
    public String reference() {
        return label;
    }

    @Override
    public KeyType type() {
        return type;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** The JCA private key, for the software token's own use (storing it). */
    PrivateKey privateKey() {
        return privateKey.get();
    }

    @Override
    public byte[] signDigest(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) {
        if (!scheme.fits(type)) {
            throw HsmkitException.key(scheme + " cannot be used with the " + type + " key '" + label + "'", null);
        }
        if (digest.length != digestAlgorithm.length()) {
            throw new IllegalArgumentException("digest length " + digest.length + " does not fit " + digestAlgorithm);
        }
        try {
            switch (scheme) {
                case RSA_PKCS1: {
                    byte[] info = SignatureFormats.digestInfo(digestAlgorithm, digest);
                    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding"); // the JDK's: no provider set-up
                    c.init(Cipher.ENCRYPT_MODE, privateKey.get());
                    return c.doFinal(info);
                }
                case RSA_PSS: {
                    Signature s = Signature.getInstance("NONEwithRSASSA-PSS", Providers.bc());
                    s.setParameter(new PSSParameterSpec(digestAlgorithm.jcaName(), "MGF1",
                            new MGF1ParameterSpec(digestAlgorithm.jcaName()), digestAlgorithm.length(), 1));
                    s.initSign(privateKey.get());
                    s.update(digest);
                    return s.sign();
                }
                case ECDSA: {
                    Signature s = Signature.getInstance("NONEwithECDSA", Providers.bc());
                    s.initSign(privateKey.get());
                    s.update(digest);
                    return s.sign();
                }
                default:
                    throw new IllegalArgumentException(String.valueOf(scheme));
            }
        } catch (GeneralSecurityException e) {
            throw new HsmkitException(ErrorKind.KEY, "signing with the soft key '" + label + "' failed: " + e.getMessage(), null, e);
        }
    }

    @Override
    public byte[] decrypt(RsaPadding padding, byte[] ciphertext) {
        if (!type.isRsa()) {
            throw HsmkitException.key("the " + type + " key '" + label + "' cannot decrypt RSA data", null);
        }
        try {
            Cipher c;
            // the JDK's RSA: Bouncy Castle's provider takes long to set up
            if (padding == RsaPadding.PKCS1) {
                c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
                c.init(Cipher.DECRYPT_MODE, privateKey.get());
            } else {
                String h = padding.oaepHashJcaName();
                c = Cipher.getInstance("RSA/ECB/OAEPPadding");
                c.init(Cipher.DECRYPT_MODE, privateKey.get(),
                        new OAEPParameterSpec(h, "MGF1", new MGF1ParameterSpec(h), PSource.PSpecified.DEFAULT));
            }
            return c.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            // one error, without the cause, for every failure: which check failed is what a padding oracle needs
            throw new HsmkitException(ErrorKind.INPUT, "the wrapped key does not decrypt with '" + label + "' (" + padding + ")",
                    "the file may be for another key, or damaged");
        }
    }

    @Override
    public byte[] agree(ECPublicKey peer) {
        KeyChecks.agreement(type, "'" + label + "'", peer); // refuses off-curve points before the key is used
        try {
            KeyAgreement ka = KeyAgreement.getInstance("ECDH", Providers.bc());
            ka.init(privateKey.get());
            ka.doPhase(peer, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new HsmkitException(ErrorKind.INPUT, "ECDH with the key '" + label + "' failed: " + e.getMessage(),
                    "the peer key must be on the same curve", e);
        }
    }

    /** As the other tokens' keys name themselves in messages (never the private key). */
    @Override
    public String toString() {
        return "key '" + label + "' of the soft token";
    }
}
