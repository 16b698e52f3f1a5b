package org.hsmkit.core.openpgp;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPOnePassSignature;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.PGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.AlgorithmPolicy;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;

/**
 * One signature being verified: its key found in the keyring before any data is read, the data
 * hashed as it streams by, then the mathematics and the key's validity at the signing time checked.
 */
final class SignatureCheck {

    private final PgpCertificate certificate;
    private final PGPPublicKey key;
    private final boolean acceptExpiredSince;
    private PGPSignature signature;
    private final PGPOnePassSignature onePass;

    private SignatureCheck(PgpCertificate certificate, PGPPublicKey key, PGPSignature signature, PGPOnePassSignature onePass,
            boolean acceptExpiredSince) {
        this.certificate = certificate;
        this.key = key;
        this.signature = signature;
        this.onePass = onePass;
        this.acceptExpiredSince = acceptExpiredSince;
    }

    /** For a signature known before the data (detached, cleartext). */
    static SignatureCheck start(PGPSignature sig, List<PgpCertificate> keyring, boolean acceptExpiredSince) {
        checkHash(sig.getHashAlgorithm());
        if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT && sig.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            throw HsmkitException.verification("the signature is not a document signature (type " + sig.getSignatureType() + ")",
                    "give a signature over a file");
        }
        Found f = find(sig.getKeyIdentifiers(), keyring);
        try {
            sig.init(verifiers(f.key), f.key);
        } catch (PGPException e) {
            throw HsmkitException.verification("cannot check the signature: " + e.getMessage(), "the signature is damaged");
        }
        return new SignatureCheck(f.certificate, f.key, sig, null, acceptExpiredSince);
    }

    /** For an inline signature, whose one-pass header comes before the data. */
    static SignatureCheck start(PGPOnePassSignature ops, List<PgpCertificate> keyring, boolean acceptExpiredSince) {
        checkHash(ops.getHashAlgorithm());
        Found f = find(List.of(ops.getKeyIdentifier()), keyring);
        try {
            ops.init(verifiers(f.key), f.key);
        } catch (PGPException e) {
            throw HsmkitException.verification("cannot check the signature: " + e.getMessage(), "the signature is damaged");
        }
        return new SignatureCheck(f.certificate, f.key, null, ops, acceptExpiredSince);
    }

    /** Pairs the signatures that follow inline data with their one-pass headers (in reverse order, as nested). */
    static void attach(List<SignatureCheck> checks, List<PGPSignature> sigs) {
        if (sigs.size() != checks.size()) {
            throw HsmkitException.verification("the message has " + checks.size() + " one-pass headers but " + sigs.size() + " signatures",
                    "the message was altered or damaged");
        }
        for (int i = 0; i < checks.size(); i++) {
            checks.get(i).signature = sigs.get(sigs.size() - 1 - i);
        }
    }

    /** Whether this is a text signature (type 0x01), over the data's canonical CR LF form. */
    boolean isText() {
        return (onePass != null ? onePass.getSignatureType() : signature.getSignatureType()) == PGPSignature.CANONICAL_TEXT_DOCUMENT;
    }

    void update(byte[] b, int off, int len) {
        if (onePass != null) {
            onePass.update(b, off, len);
        } else {
            signature.update(b, off, len);
        }
    }

    /** Checks the signature and the key's validity; VERIFICATION_FAILED when anything is wrong. */
    VerifiedSignature verify() {
        if (signature == null) {
            throw HsmkitException.verification("the message ends before its signature", "the message was truncated or altered");
        }
        boolean good;
        try {
            good = onePass != null ? onePass.verify(signature) : signature.verify();
        } catch (PGPException | RuntimeException e) {
            good = false;
        }
        String fpr = OpenPgpKeys.hex(key.getFingerprint());
        if (!good) {
            throw HsmkitException.verification("BAD signature from key " + fpr, "the data or the signature was altered; do not trust this data");
        }
        if (onePass != null && (onePass.getSignatureType() != signature.getSignatureType()
                || !new KeyIdentifier(key.getFingerprint(), key.getKeyID()).isPresentIn(signature.getKeyIdentifiers()))) {
            throw HsmkitException.verification("the signature does not match its one-pass header", "the message was altered");
        }
        checkKeySize(key, fpr);
        Instant created = signature.getCreationTime().toInstant();
        checkSubpackets(signature, created, fpr);
        Optional<Instant> expiredSince = KeyValidity.check(certificate, key, created, acceptExpiredSince);
        return new VerifiedSignature(fpr, certificate.fingerprint(), certificate.primaryUserId(), created,
                OpenPgpKeys.jcaHashName(signature.getHashAlgorithm()), expiredSince);
    }

    /**
     * Hashed subpackets a verifier of a document signature acts on or may safely pass over when
     * they are marked critical. Any other critical one — a notation (hsmkit knows none), a policy,
     * an intended recipient, a type it does not know — makes the signature invalid (RFC 9580
     * 5.2.3.7), as gpg reports it ("BAD signature ... due to an unknown critical bit").
     */
    private static final Set<Integer> UNDERSTOOD_CRITICAL = Set.of(SignatureSubpacketTags.CREATION_TIME, SignatureSubpacketTags.EXPIRE_TIME,
            SignatureSubpacketTags.EXPORTABLE, SignatureSubpacketTags.REVOCABLE, SignatureSubpacketTags.ISSUER_KEY_ID,
            SignatureSubpacketTags.ISSUER_FINGERPRINT, SignatureSubpacketTags.SIGNER_USER_ID, SignatureSubpacketTags.KEY_FLAGS,
            SignatureSubpacketTags.KEY_EXPIRE_TIME, SignatureSubpacketTags.FEATURES, SignatureSubpacketTags.PRIMARY_USER_ID,
            SignatureSubpacketTags.PREFERRED_SYM_ALGS, SignatureSubpacketTags.PREFERRED_HASH_ALGS, SignatureSubpacketTags.PREFERRED_COMP_ALGS,
            SignatureSubpacketTags.PREFERRED_AEAD_ALGORITHMS, SignatureSubpacketTags.KEY_SERVER_PREFS);

    /** A critical subpacket hsmkit does not act on, and the signature's own expiry, fail the signature. */
    private static void checkSubpackets(PGPSignature signature, Instant created, String fpr) {
        PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
        if (hashed == null) {
            return; // a version 3 signature: no subpackets
        }
        for (int tag : hashed.getCriticalTags()) {
            if (!UNDERSTOOD_CRITICAL.contains(tag)) {
                throw HsmkitException.verification("the signature by key " + fpr + " carries a critical "
                        + (tag == SignatureSubpacketTags.NOTATION_DATA ? "notation (" + notations(hashed) + ")" : "subpacket of type " + tag)
                        + " that hsmkit does not understand, so it must be taken as invalid",
                        "the signer requires a check that hsmkit cannot make; ask them how to verify it, or to sign without it");
            }
        }
        long lifetime = hashed.getSignatureExpirationTime();
        if (lifetime > 0 && !created.plusSeconds(lifetime).isAfter(Instant.now())) {
            throw HsmkitException.verification("the signature by key " + fpr + " expired at " + created.plusSeconds(lifetime)
                    + " (its signer made it valid until then)", "ask the signer for a current signature");
        }
    }

    private static String notations(PGPSignatureSubpacketVector hashed) {
        return String.join(", ", java.util.Arrays.stream(hashed.getNotationDataOccurrences()).filter(n -> n.isCritical())
                .map(n -> NameFormat.printable(n.getNotationName())).toList());
    }

    private record Found(PgpCertificate certificate, PGPPublicKey key) {
    }

    private static Found find(List<KeyIdentifier> ids, List<PgpCertificate> keyring) {
        for (PgpCertificate c : keyring) {
            for (Iterator<PGPPublicKey> it = c.ring().getPublicKeys(); it.hasNext();) {
                PGPPublicKey k = it.next();
                KeyIdentifier kid = new KeyIdentifier(k.getFingerprint(), k.getKeyID());
                for (KeyIdentifier id : ids) {
                    if (!id.isWildcard() && id.matches(kid)) {
                        return new Found(c, k);
                    }
                }
            }
        }
        String who = ids.stream().filter(i -> !i.isWildcard()).map(i -> i.getFingerprint() != null ? OpenPgpKeys.hex(i.getFingerprint())
                : OpenPgpKeys.keyId(i.getKeyId())).findFirst().orElse("an unnamed key");
        throw HsmkitException.verification("signed by an unknown key " + who,
                "add the signer's certificate to the keyring (--keyring FILE) if you trust it");
    }

    private static void checkHash(int hash) {
        String name = switch (hash) {
            case HashAlgorithmTags.MD5 -> "MD5";
            case HashAlgorithmTags.SHA1 -> "SHA-1";
            case HashAlgorithmTags.RIPEMD160 -> "RIPEMD-160";
            default -> "";
        };
        // a signature's creation time is the signer's claim: it cannot prove the signature older
        Optional<AlgorithmPolicy.Weakness> weak = AlgorithmPolicy.ofHash(name);
        if (weak.isPresent()) {
            throw HsmkitException.verification("the signature " + weak.get().explained(), weak.get().hint());
        }
        OpenPgpKeys.jcaHashName(hash);
    }

    /** A signer's key below the policy's size, as for CMS signers. */
    private static void checkKeySize(PGPPublicKey key, String fingerprint) {
        int algorithm = key.getAlgorithm();
        AlgorithmPolicy.KeyKind kind = algorithm == PublicKeyAlgorithmTags.RSA_GENERAL || algorithm == PublicKeyAlgorithmTags.RSA_SIGN
                ? AlgorithmPolicy.KeyKind.RSA : algorithm == PublicKeyAlgorithmTags.DSA ? AlgorithmPolicy.KeyKind.DSA
                : algorithm == PublicKeyAlgorithmTags.ECDSA ? AlgorithmPolicy.KeyKind.ELLIPTIC_CURVE : null;
        Optional<AlgorithmPolicy.Weakness> weak = kind == null ? Optional.empty() : AlgorithmPolicy.ofKeySize(kind, key.getBitStrength());
        if (weak.isPresent()) {
            throw HsmkitException.verification("the signer's key " + fingerprint + " " + weak.get().explained(), weak.get().hint());
        }
    }

    private static PGPContentVerifierBuilderProvider verifiers(PGPPublicKey key) {
        // the JDK's hashes use the CPU's SHA instructions; Bouncy Castle only for curves the JDK lacks
        return OpenPgpKeys.needsBc(key) ? new JcaPGPContentVerifierBuilderProvider().setProvider(Providers.bc())
                : new JcaPGPContentVerifierBuilderProvider();
    }
}
