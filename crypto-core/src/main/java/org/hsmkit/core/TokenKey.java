package org.hsmkit.core;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.bouncycastle.operator.ContentSigner;

/**
 * A private key held by a {@link Token}: on a PKCS#11 token, a SmartCard-HSM, or the software
 * key store. Callers never learn where it lives; the private key itself never leaves it.
 *
 * <p>Hashing happens on the host; only digests, wrapped keys or peer public keys go to the token.
 * Every method that uses the private key checks first that the key type and the token support
 * the operation, and throws {@link HsmkitException} of kind {@link ErrorKind#KEY} naming the
 * mechanism and the token when not. Implementations are safe to use from one thread at a time.
 */
public interface TokenKey {

    /** The key's label (CKA_LABEL, or the key store alias); may be empty. */
    String label();

    /** The key's identifier (CKA_ID); a copy. Empty when the token stores none. */
    byte[] id();

    /** A reference that finds this key again: a PKCS#11 URI or the soft token's label. */
    String reference();

    /**
     * The key type and size.
     *
     * @throws HsmkitException KEY when {@link #publicKeyKnown()} is false
     */
    KeyType type();

    /**
     * The public key.
     *
     * @throws HsmkitException KEY when {@link #publicKeyKnown()} is false
     */
    PublicKey publicKey();

    /**
     * False for a private key whose public key the token does not give: no public key object, no
     * certificate, no public attributes on the private key (what OpenSC shows for a SmartCard-HSM
     * key after its certificate was deleted). Such a key is still listed, found by its label or id,
     * can be deleted and can be given its certificate back; everything else with it fails with
     * {@link ErrorKind#KEY}. Key lists show it as "public key unknown".
     */
    default boolean publicKeyKnown() {
        return true;
    }

    /** The certificate stored with the key, if any: the first of {@link #certificateChain()}. */
    default Optional<X509Certificate> certificate() {
        List<X509Certificate> chain = certificateChain();
        return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(0));
    }

    /** The certificate and whatever issuer certificates the token holds for it; may be empty. */
    List<X509Certificate> certificateChain();

    /**
     * How many more private-key operations the token allows with this key, for keys generated
     * with a use counter (a SmartCard-HSM feature); empty when the key has no limit or the token
     * keeps no count. Using a key with 0 uses left fails with {@link ErrorKind#KEY}.
     */
    default OptionalLong usesLeft() {
        return OptionalLong.empty();
    }

    /**
     * Signs a digest computed on the host. For {@link SignatureScheme#RSA_PKCS1} the DigestInfo is
     * built here; for ECDSA the result is DER-encoded.
     *
     * @param digest exactly {@code digestAlgorithm.length()} bytes
     */
    byte[] signDigest(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest);

    /** RSA decryption of one block, such as a wrapped content key. RSA keys only. */
    byte[] decrypt(RsaPadding padding, byte[] ciphertext);

    /**
     * Elliptic-curve Diffie-Hellman with a peer public key on the same curve: returns the raw
     * shared secret (the x coordinate, field-size bytes) for a KDF on the host. EC keys only.
     */
    byte[] agree(ECPublicKey peer);

    /**
     * A Bouncy Castle {@link ContentSigner} that hashes what is written to it on the host and makes
     * one {@link #signDigest} call when the signature is asked for.
     */
    default ContentSigner contentSigner(SignatureScheme scheme, DigestAlgorithm digestAlgorithm) {
        return new DigestingContentSigner(this, scheme, digestAlgorithm);
    }

    /** A content signer with the key type's default scheme and SHA-256. */
    default ContentSigner contentSigner() {
        return contentSigner(SignatureScheme.defaultFor(type()), DigestAlgorithm.SHA256);
    }
}
