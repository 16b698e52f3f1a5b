package org.hsmkit.pdf.internal;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.hsmkit.pdf.Indication;
import org.hsmkit.pdf.SignatureReport;
import org.hsmkit.pdf.SignatureReport.Change;
import org.hsmkit.pdf.SignatureReport.Kind;
import org.hsmkit.pdf.SubIndication;

/**
 * What is known of one signature while it is being verified; every failure carries the ETSI
 * sub-indication it stands for, and the report's verdict is the first of them in
 * {@link SubIndication}'s order.
 */
final class SignatureState {
    String field;
    Kind kind;
    String subFilter;
    String signer = "";
    String issuer = "";
    Instant claimed;
    Instant proven;
    boolean intact;
    boolean byteRangeValid;
    boolean coversWhole;
    long end;
    int revision;
    boolean pades;
    boolean signatureTimestamp;
    boolean trusted;
    boolean revocationComplete;
    boolean anchorsGiven;
    X509Certificate signerCert;
    Set<X509Certificate> certs = Set.of();
    String revocation = "not checked";
    int certification;
    String level;
    List<Change> changes = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private SubIndication decisive;

    /** What is weak about its algorithms or key, and who it is (for the message); null when nothing is. */
    org.hsmkit.core.internal.cms.AlgorithmPolicy.Weakness weakness;
    private String weakOne;

    void weak(org.hsmkit.core.internal.cms.AlgorithmPolicy.Weakness w, String who) {
        weakness = w;
        weakOne = who;
    }

    /** What is weak about a certificate of its trusted path, or null ({@link TrustCheck}). */
    TrustCheck.PathWeakness pathWeakness;

    /** Revocation data its path's status rests on whose own signature is weak ({@link TrustCheck}). */
    List<Revocation.Finding> weakRevocation = List.of();

    /**
     * Fails for its weakness, and that of its path, unless {@code existed} (a time something trusted
     * proves it existed at, or null) predates the weakness's end date; and for each piece of weak
     * revocation data unless {@code dataExisted} (the same for that data) does.
     */
    void judgeWeakness(Instant existed, Function<Revocation.Finding, Instant> dataExisted) {
        if (weakness != null && intact && weakness.refused(existed)) {
            fail(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, weakOne + weakness.what().replaceFirst("^has a", "is a")
                    + ", not relied on for signatures since " + weakness.until().toString().substring(0, 4)
                    + ", and no trusted time-stamp proves it was made before");
        }
        if (pathWeakness != null && pathWeakness.weakness().refused(existed)) {
            trusted = false;
            fail(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, pathWeakness.message()
                    + ", and no trusted time-stamp proves the signature was made before");
        }
        for (Revocation.Finding f : weakRevocation) {
            if (intact && f.weakness().refused(dataExisted.apply(f))) {
                fail(SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, f.weaknessMessage()
                        + ", and no trusted time-stamp proves it was made before: it does not establish the certificate's status");
            }
        }
    }

    /** Records a failure and the sub-indication it stands for. */
    void fail(SubIndication reason, String message) {
        failures.add(message);
        if (decisive == null || reason.ordinal() < decisive.ordinal()) {
            decisive = reason;
        }
    }

    boolean failed() {
        return !failures.isEmpty();
    }

    SignatureReport report(int revisions) {
        Indication indication = decisive == null ? Indication.TOTAL_PASSED : decisive.indication();
        return new SignatureReport(field, kind, subFilter, signer, issuer, claimed, proven, indication, decisive, summary(),
                intact, byteRangeValid, coversWhole, revision, revisions, level, trusted, revocation, certification,
                List.copyOf(changes), List.copyOf(failures), List.copyOf(warnings));
    }

    /** The verdict in plain words. */
    private String summary() {
        boolean ts = kind == Kind.DOCUMENT_TIMESTAMP;
        String it = ts ? "the time-stamp" : "the signature";
        if (decisive == null) {
            return ts ? "the time-stamp is intact, its authority is trusted, and nothing forbidden changed after it"
                    : "the signature is intact, its signer is trusted, and nothing it forbids was changed after it";
        }
        return switch (decisive) {
            case FORMAT_FAILURE -> it + " is malformed or does not cover what it claims to";
            case HASH_FAILURE -> "the document was changed after " + (ts ? "time-stamping" : "signing") + ": the signed bytes no longer match";
            case SIG_CRYPTO_FAILURE -> it + " value does not verify: forged or damaged";
            case CHANGED_AFTER_SIGNING -> it + " itself is intact, but a later revision changed what it covers in a way it does not allow";
            case REVOKED -> "the signer's certificate was revoked before the time the signer claims to have signed";
            case NO_SIGNING_CERTIFICATE_FOUND -> "the signer's certificate is missing or is not the one the signature names";
            case CHAIN_CONSTRAINTS_FAILURE -> "the signer's certificate is not allowed to sign (key usage)";
            case CRYPTO_CONSTRAINTS_FAILURE_NO_POE -> it + " is intact, but it, a certificate of its path or the revocation data"
                    + " of that path uses an algorithm or key size no longer relied on, and no trusted time-stamp proves it was made"
                    + " while it still was";
            case REVOKED_NO_POE -> "the signer's certificate is revoked, and no time-stamp proves " + it + " was made before";
            case REVOKED_CA_NO_POE -> "a CA certificate of the signer's path is revoked, and no time-stamp proves " + it
                    + " was made before";
            case OUT_OF_BOUNDS_NO_POE -> it + " is intact, but a certificate of its path is expired (or not yet valid) and no"
                    + " trusted time-stamp proves it was made while the certificate was valid";
            case NO_CERTIFICATE_CHAIN_FOUND -> anchorsGiven
                    ? it + " is intact, but its certificate does not lead to any trust anchor you gave"
                    : it + " is intact, but hsmkit was not told to trust its issuer: pass --trust or --trust-system";
            case CERTIFICATE_CHAIN_GENERAL_FAILURE -> it + " is intact, but the certificate path to the trust anchor does not validate";
            case TRY_LATER -> it + " is intact and trusted, but the file does not carry the revocation status of every"
                    + " certificate of its path";
        };
    }
}
