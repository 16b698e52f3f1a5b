package org.hsmkit.core.internal.cms;

import java.security.PublicKey;
import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.cms.SignerInformation;
import org.hsmkit.core.NameFormat;

/**
 * Which signature algorithms and key sizes a verification still relies on, after NIST SP 800-131A
 * Rev. 2 (digital signature generation): MD2, MD4 and MD5 not since 2005, SHA-1, RSA and DSA keys
 * under 2048 bits and elliptic curves under 224 bits not since 2014. A weak signature counts only
 * when something proves it existed before that date (a trusted time-stamp of a PDF signature); a
 * time the signer claims proves nothing, since whoever forges the signature writes it.
 *
 * <p>The trust anchor a user named is not judged: its own signature is never checked, and the user
 * chose to rely on its key.
 */
public final class AlgorithmPolicy {
    /** When SHA-1 and short keys stopped being acceptable for signatures. */
    public static final Instant SHORT_KEYS_AND_SHA1_UNTIL = Instant.parse("2014-01-01T00:00:00Z");
    private static final Instant MD5_UNTIL = Instant.parse("2005-01-01T00:00:00Z");

    private static final Map<String, String> DIGESTS = Map.ofEntries(
            Map.entry("1.2.840.113549.2.2", "MD2"), Map.entry("1.2.840.113549.2.4", "MD4"),
            Map.entry("1.2.840.113549.2.5", "MD5"), Map.entry("1.3.14.3.2.26", "SHA-1"),
            // signature algorithms that name their digest
            Map.entry("1.2.840.113549.1.1.2", "MD2"), Map.entry("1.2.840.113549.1.1.3", "MD4"),
            Map.entry("1.2.840.113549.1.1.4", "MD5"), Map.entry("1.2.840.113549.1.1.5", "SHA-1"),
            Map.entry("1.3.14.3.2.29", "SHA-1"), Map.entry("1.2.840.10045.4.1", "SHA-1"),
            Map.entry("1.2.840.10040.4.3", "SHA-1"));

    private AlgorithmPolicy() {
    }

    /**
     * Why a signature or key is no longer relied on.
     *
     * @param what what is weak, e.g. "uses SHA-1" or "has a 1024-bit RSA key"
     * @param until the time before which it was still acceptable
     */
    public record Weakness(String what, Instant until, boolean key) {
        /** True when nothing proves the signature existed before {@link #until} ({@code proven} null: nothing does). */
        public boolean refused(Instant proven) {
            return proven == null || !proven.isBefore(until);
        }

        /** What the signer can do about it. */
        public String hint() {
            return key ? "the signer needs a new key pair (RSA of 2048 bits or more, or an elliptic curve of 256 bits)"
                    : "ask the signer to sign again with SHA-256 or a stronger hash";
        }

        /** "the signature of NAME uses SHA-1, not …" or, for a weak key, "the signer NAME has a 1024-bit RSA key, not …". */
        public String of(String signer) {
            return (key ? "the signer " : "the signature of ") + signer + " " + explained();
        }

        /** "uses SHA-1, not relied on for signatures since 2014 (NIST SP 800-131A)". */
        public String explained() {
            return what + ", not relied on for signatures since " + until.toString().substring(0, 4) + " (NIST SP 800-131A)";
        }
    }

    /** What is weak about a CMS signer's signature: its digest, or its key (that of {@code key}). */
    public static Optional<Weakness> ofSigner(SignerInformation signer, PublicKey key) {
        Optional<Weakness> digest = digest(signer.getDigestAlgOID())
                .or(() -> digest(signer.getEncryptionAlgOID()))
                .or(() -> pssDigest(signer.getEncryptionAlgOID(), signer.getEncryptionAlgParams()));
        return digest.or(() -> ofKey(key));
    }

    /** What is weak about a certificate's signature (by its issuer) or its key. */
    public static Optional<Weakness> ofCertificate(X509Certificate cert) {
        return ofSignatureAlgorithm(cert.getSigAlgOID(), cert.getSigAlgParams())
                .map(w -> new Weakness("is signed by its issuer with " + w.what().substring("uses ".length()), w.until(), false))
                .or(() -> ofKey(cert.getPublicKey()));
    }

    /**
     * What is weak about a signature made with the algorithm {@code oid} (with its DER-encoded
     * {@code params}, or null) by {@code key}: its hash, else the key. For signatures that carry no
     * signer information of their own, such as OCSP responses and CRLs.
     */
    public static Optional<Weakness> ofSignature(String oid, byte[] params, PublicKey key) {
        return ofSignatureAlgorithm(oid, params).or(() -> ofKey(key));
    }

    private static Optional<Weakness> ofSignatureAlgorithm(String oid, byte[] params) {
        return digest(oid).or(() -> pssDigest(oid, params));
    }

    /** A key whose size is below the policy's. */
    public static Optional<Weakness> ofKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return ofKeySize(KeyKind.RSA, rsa.getModulus().bitLength());
        } else if (key instanceof DSAPublicKey dsa && dsa.getParams() != null) {
            return ofKeySize(KeyKind.DSA, dsa.getParams().getP().bitLength());
        } else if (key instanceof ECPublicKey ec) {
            return ofKeySize(KeyKind.ELLIPTIC_CURVE, ec.getParams().getCurve().getField().getFieldSize());
        }
        return Optional.empty();
    }

    /** The kinds of key whose size the policy judges, with the least size relied on. */
    public enum KeyKind {
        RSA("RSA", 2048), DSA("DSA", 2048), ELLIPTIC_CURVE("elliptic-curve", 224);

        private final String words;
        private final int least;

        KeyKind(String words, int least) {
            this.words = words;
            this.least = least;
        }
    }

    /** A key of {@code kind} with {@code bits} bits, when that is below the policy's size. */
    public static Optional<Weakness> ofKeySize(KeyKind kind, int bits) {
        return bits < kind.least ? Optional.of(new Weakness("has a " + bits + "-bit " + kind.words + " key", SHORT_KEYS_AND_SHA1_UNTIL, true))
                : Optional.empty();
    }

    /** A hash named as in {@code "SHA-1"}, {@code "MD5"}, {@code "RIPEMD-160"}, when it is weak for signatures. */
    public static Optional<Weakness> ofHash(String name) {
        return switch (name) {
            case "MD2", "MD4", "MD5" -> Optional.of(new Weakness("uses " + name, MD5_UNTIL, false));
            // RIPEMD-160 has SHA-1's size and was never approved by NIST
            case "SHA-1", "RIPEMD-160" -> Optional.of(new Weakness("uses " + name, SHORT_KEYS_AND_SHA1_UNTIL, false));
            default -> Optional.empty();
        };
    }

    /**
     * A path checker that refuses a certificate of the path (the anchor is not part of it) with a
     * weakness that {@code proven} does not predate; its exception is a {@link WeakAlgorithm}.
     */
    public static PKIXCertPathChecker pathChecker(Instant proven) {
        return new PerCertificateChecker() {
            @Override
            void check(X509Certificate cert) throws CertPathValidatorException {
                Optional<Weakness> w = ofCertificate(cert);
                if (w.isPresent() && w.get().refused(proven)) {
                    throw new WeakAlgorithm("the certificate " + NameFormat.format(cert.getSubjectX500Principal()) + " "
                            + w.get().explained());
                }
            }
        };
    }

    /** A path refused for a weak algorithm or key. */
    public static final class WeakAlgorithm extends CertPathValidatorException {
        private static final long serialVersionUID = 1L;
        /** What to tell a user whose path was refused so: it is not a matter of --trust. */
        public static final String HINT = "the path is refused for its algorithms, not for trust: the signer needs a certificate"
                + " from a CA that signs with SHA-256 or stronger, for a key of 2048 bits (RSA) or more";

        public WeakAlgorithm(String message) {
            super(message);
        }

        /** True when {@code e} or one of its causes is a refusal for a weak algorithm. */
        public static boolean among(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof WeakAlgorithm) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A digest (or signature) algorithm, named by its OID, when its hash is weak for signatures. */
    public static Optional<Weakness> ofDigest(String oid) {
        return digest(oid);
    }

    private static Optional<Weakness> digest(String oid) {
        String name = oid == null ? null : DIGESTS.get(oid);
        return name == null ? Optional.empty() : ofHash(name);
    }

    /** RSASSA-PSS names its hash in its parameters; absent parameters mean SHA-1 (RFC 4055). */
    private static Optional<Weakness> pssDigest(String oid, byte[] encoded) {
        if (!PKCSObjectIdentifiers.id_RSASSA_PSS.getId().equals(oid)) {
            return Optional.empty();
        }
        try {
            ASN1Primitive params = encoded == null ? null : ASN1Primitive.fromByteArray(encoded);
            RSASSAPSSparams pss = params == null || params instanceof ASN1Null ? new RSASSAPSSparams() : RSASSAPSSparams.getInstance(params);
            return digest(pss.getHashAlgorithm().getAlgorithm().getId());
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty(); // unreadable parameters fail the signature check itself
        }
    }
}
