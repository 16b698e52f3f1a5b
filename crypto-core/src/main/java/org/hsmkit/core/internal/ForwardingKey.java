package org.hsmkit.core.internal;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.OptionalLong;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;

/**
 * A token key that passes every call to another one; subclasses change what they need (the
 * certificate, counting the private-key operations). Every method is forwarded, defaults too, so a
 * view never hides what the key itself says (its use counter, an unknown public key).
 */
public abstract class ForwardingKey implements TokenKey {
    protected final TokenKey key;

    protected ForwardingKey(TokenKey key) {
        this.key = key;
    }

    @Override
    public String label() {
        return key.label();
    }

    @Override
    public byte[] id() {
        return key.id();
    }

    @Override
    public String reference() {
        return key.reference();
    }

    @Override
    public KeyType type() {
        return key.type();
    }

    @Override
    public PublicKey publicKey() {
        return key.publicKey();
    }

    @Override
    public boolean publicKeyKnown() {
        return key.publicKeyKnown();
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return key.certificateChain();
    }

    @Override
    public OptionalLong usesLeft() {
        return key.usesLeft();
    }

    @Override
    public byte[] signDigest(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) {
        return key.signDigest(scheme, digestAlgorithm, digest);
    }

    @Override
    public byte[] decrypt(RsaPadding padding, byte[] ciphertext) {
        return key.decrypt(padding, ciphertext);
    }

    @Override
    public byte[] agree(ECPublicKey peer) {
        return key.agree(peer);
    }

    @Override
    public String toString() {
        return key.toString();
    }
}
