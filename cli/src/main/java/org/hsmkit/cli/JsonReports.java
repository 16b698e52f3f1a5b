package org.hsmkit.cli;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.hsmkit.core.NameFormat;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.CmsStructure;
import org.hsmkit.core.cms.CmsVerifier;
import org.hsmkit.smime.SignatureReport;
import org.hsmkit.smime.SmimeLayer;
import org.hsmkit.smime.SmimeReport;
import org.hsmkit.smime.UnsignedPart;

/**
 * The {@code --json} reports of the CLI (schemas in docs/json.md; {@code pdf verify}'s in
 * {@link PdfVerifyJson}): records whose component names are the field names, written by
 * {@link JsonOutput}. Times are ISO 8601 instants; absent values are left out.
 */
final class JsonReports {
    private JsonReports() {
    }

    /** What every command prints on standard output with --json when it fails (exit codes 2 to 5, or 1 without a report). */
    record Failure(Error error) {
        static Failure of(ErrorReporter.Failure f) {
            return new Failure(new Error(f.kind(), f.message(), f.hint()));
        }
    }

    record Error(String kind, String message, String hint) {
    }

    /** A batch: per input, in the order given, and the totals. */
    record Batch(String action, int exitCode, long done, long failed, long notTried, String stoppedBy, List<FileOutcome> files) {
        static Batch of(BatchRunner.Summary s) {
            return new Batch(s.verb(), s.exitCode(), s.done(), s.failed(), s.skipped(), s.stoppedBy() == null ? null : s.stoppedBy().json,
                    s.files().stream().map(o -> new FileOutcome(o.input(), o.output(),
                    o.skipped() ? "not-tried" : o.code() == 0 ? "ok" : "failed", o.skipped() ? null : o.code(),
                    o.failure() == null ? null : new Error(o.failure().kind(), o.failure().message(), o.failure().hint()),
                    o.report())).toList());
        }
    }

    record FileOutcome(String input, String output, String status, Integer exitCode, Error error, Object report) {
    }

    record Tokens(List<TokenInfo> tokens) {
    }

    record Keys(List<Key> keys) {
    }

    record Key(String id, String label, String type, boolean publicKeyKnown, String certificate, String reference) {
        static Key of(TokenKey k) {
            return new Key(KeyId.hex(k.id()), k.label(), k.publicKeyKnown() ? k.type().spec() : null, k.publicKeyKnown(),
                    k.certificate().map(KeyImportCertCommand::subject).orElse(null), k.reference());
        }
    }

    record Inspection(String contentType, boolean pem, String contentAlgorithm, long contentBytes, boolean detached, int tagBytes,
            List<CmsStructure.Recipient> recipients, List<InspectedSigner> signers) {
        static Inspection of(CmsStructure s) {
            return new Inspection(s.contentType(), s.pem(), s.contentAlgorithm(), s.contentBytes(), s.detached(), s.tagBytes(),
                    s.recipients(), s.signers().stream().map(g -> new InspectedSigner(g.identifier(), g.subject(), g.digestAlgorithm(),
                            g.signatureAlgorithm(), time(g.signingTime()))).toList());
        }
    }

    record InspectedSigner(String identifier, String subject, String digestAlgorithm, String signatureAlgorithm, String signingTime) {
    }

    /** {@code verify}: only printed when every signature verified (a failure is an {@link Failure}). */
    record Verification(String file, boolean valid, List<VerifiedSigner> signers) {
        static Verification of(String file, List<CmsVerifier.Signer> signers) {
            return new Verification(file, true, signers.stream().map(s -> new VerifiedSigner(name(s.certificate()), time(s.signingTime()),
                    s.algorithm(), name(s.path().get(s.path().size() - 1)), s.revocationChecked(), s.revocationNotes())).toList());
        }
    }

    record VerifiedSigner(String signer, String signingTime, String algorithm, String trustedVia, boolean revocationChecked,
            List<String> notes) {
    }

    /** {@code smime verify} and {@code smime decrypt}. */
    record Smime(String file, Boolean verified, boolean signed, boolean encrypted, List<String> problems, List<Layer> layers,
            List<UnsignedPart> unsignedParts) {
        static Smime of(String file, SmimeReport r, boolean verifying) {
            return new Smime(file, verifying ? Boolean.valueOf(r.verified()) : null, r.isSigned(), r.isEncrypted(), r.problems(),
                    r.layers().stream().map(Layer::of).toList(), r.unsignedParts());
        }
    }

    record Layer(String kind, String path, String algorithm, List<MailSignature> signatures) {
        static Layer of(SmimeLayer l) {
            return new Layer(l.kind().name(), l.path(), l.algorithm(), l.signatures().stream().map(MailSignature::of).toList());
        }
    }

    record MailSignature(String signer, String signingTime, String algorithm, boolean valid, boolean signatureValid, boolean pathValid,
            boolean usageValid, List<String> signerEmails, boolean fromMatches, boolean revocationChecked, List<String> problems,
            List<String> notes) {
        static MailSignature of(SignatureReport s) {
            return new MailSignature(s.signerName(), s.signingTime().map(Instant::toString).orElse(null), s.algorithm(), s.valid(),
                    s.signatureValid(), s.pathValid(), s.usageValid(), s.signerEmails(), s.fromMatches(), s.revocationChecked(),
                    s.problems(), s.notes());
        }
    }

    private static String name(X509Certificate c) {
        return NameFormat.format(c.getSubjectX500Principal());
    }

    private static String time(Object t) {
        return t == null ? null : t.toString();
    }
}
