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
 * mechanism and the token when not.
 *
 * <p>Thread safety: the keys of a PKCS#11 token and of the soft token may be used from many
 * threads at once; each PKCS#11 operation runs in a session of the calling thread's own (sessions
 * are pooled, one login serves them all), and ECDH secrets the token derives are destroyed before
 * {@link #agree} returns. Checked with eight threads sharing one key on SoftHSM2 and on the soft
 * token. Other implementations promise safety for one thread at a time only.
 */
public interface TokenKey {
    /** What to do when a key that must be named by its certificate has none. */
    String NO_CERTIFICATE_HINT = "store the key's certificate on the token (hsmkit key import-cert), or give its file with --cert CERTFILE;"
            + " without a CA, make a self-signed one with hsmkit key self-cert";

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
     * This key, identified by {@code certificate} instead of what its token holds: for a key whose
     * token keeps no certificate (made with {@code pkcs11-tool}, a read-only PKCS#11 module) or an
     * older one. The view signs, decrypts and agrees with this key; its {@link #certificateChain()}
     * is {@code certificate} alone, or the token's chain when the token holds this certificate.
     *
     * @throws HsmkitException KEY when the certificate holds another public key than this key
     */
    default TokenKey withCertificate(X509Certificate certificate) {
        return org.hsmkit.core.internal.CertifiedKey.of(this, certificate);
    }

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

    /**
     * RSA decryption of one block, such as a wrapped content key. RSA keys only. A ciphertext that
     * does not decrypt (wrong padding, wrong length) is one {@link ErrorKind#INPUT} error, the same
     * whatever check failed and without a cause: callers that must not reveal even that (CMS
     * recipients) go on with a random key instead, see {@link org.hsmkit.core.cms.TokenRecipient}.
     */
    byte[] decrypt(RsaPadding padding, byte[] ciphertext);

    /**
     * Elliptic-curve Diffie-Hellman with a peer public key on the same curve: returns the raw
     * shared secret (the x coordinate, field-size bytes) for a KDF on the host. EC keys only. A
     * peer point that is not on the key's curve (or the point at infinity) is refused with
     * {@link ErrorKind#INPUT} on the host, before the private key is used.
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
