package org.hsmkit.core.ca;

import java.io.IOException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;

import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;

/**
 * Answers RFC 6960 OCSP requests about a CA's certificates from its issuance database: good for a
 * certificate it issued and has not revoked (expired ones too, as RFC 6960 allows), revoked with
 * time and reason, unknown for serials it never issued. Responses are signed on the token, by the
 * CA key or by a delegated responder key whose certificate this CA issued with the ocsp-signer
 * profile; the responder is named by key hash and a request's nonce is echoed. Requests for
 * another CA's certificates get "unauthorized", unreadable ones "malformedRequest" (both unsigned,
 * as RFC 6960 specifies).
 *
 * <p>Thread-safe: answers are made one at a time, as a token key allows.
 */
public final class OcspResponder {
    private final CertificateAuthority ca;
    private final TokenKey signer;
    private final X509CertificateHolder[] signerChain;
    private final DigestCalculatorProvider digests;
    private final X509CertificateHolder caHolder;

    private OcspResponder(CertificateAuthority ca, TokenKey signer, X509Certificate delegate) {
        this.ca = ca;
        this.signer = signer;
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().build();
            this.caHolder = new JcaX509CertificateHolder(ca.certificate());
            this.signerChain = delegate == null ? new X509CertificateHolder[0]
                    : new X509CertificateHolder[] {new JcaX509CertificateHolder(delegate)};
        } catch (OperatorCreationException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers signed by the CA key itself (the CA must be opened with it). */
    public static OcspResponder signedByCa(CertificateAuthority ca) {
        TokenKey key = ca.key().orElseThrow(() -> new IllegalArgumentException("the CA was opened without its key"));
        return new OcspResponder(ca, key, null);
    }

    /**
     * Answers signed by a delegated responder: {@code signer} with {@code certificate}, which this
     * CA must have issued (ocsp-signer profile: extended key usage OCSPSigning) and which must be
     * valid now.
     *
     * @throws HsmkitException KEY when the certificate is not the key's or not fit to sign answers
     */
    public static OcspResponder delegated(CertificateAuthority ca, TokenKey signer, X509Certificate certificate) {
        if (!Providers.verifies(certificate, ca.certificate().getPublicKey())
                || !certificate.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())) {
            throw HsmkitException.key("the responder certificate " + CertificateAuthority.subject(certificate)
                    + " was not issued by this CA", "issue it with 'hsmkit ca issue --profile ocsp-signer'");
        }
        if (!CertificateAuthority.sameKey(certificate, signer)) {
            throw HsmkitException.key("the responder certificate " + CertificateAuthority.subject(certificate) + " is not for the key '"
                    + signer.label() + "'", "give the certificate issued for that key");
        }
        try {
            List<String> eku = certificate.getExtendedKeyUsage();
            if (eku == null || !eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
                throw HsmkitException.key("the responder certificate " + CertificateAuthority.subject(certificate)
                        + " lacks the extended key usage OCSPSigning, so clients would reject its answers",
                        "issue it with 'hsmkit ca issue --profile ocsp-signer'");
            }
        } catch (CertificateParsingException e) {
            throw HsmkitException.key("the responder certificate's extended key usage cannot be read", null);
        }
        CertificateAuthority.requireCurrent(certificate, Instant.now());
        return new OcspResponder(ca, signer, certificate);
    }

    /** The DER OCSPResponse to a DER OCSPRequest; never throws for a bad request. */
    public synchronized byte[] respond(byte[] request) {
        try {
            Req[] items;
            Extension nonce;
            try {
                // Bouncy Castle reads the request list and the extensions only when asked, and reports
                // what it cannot read there with unchecked exceptions: every part is read here
                OCSPReq req = new OCSPReq(request);
                items = req.getRequestList();
                for (Req r : items) {
                    r.getCertID().getSerialNumber();
                }
                nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            } catch (IOException | RuntimeException e) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
            if (items.length == 0) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Date thisUpdate = Date.from(now);
            Date nextUpdate = Date.from(ca.settings().ocspValidity().after(now));
            BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(SubjectPublicKeyInfo.getInstance(signer.publicKey().getEncoded()),
                    digests.get(CertificateID.HASH_SHA1));
            boolean authoritative = false;
            for (Req r : items) {
                CertificateID id = r.getCertID();
                boolean ours;
                try {
                    ours = id.matchesIssuer(caHolder, digests);
                } catch (OCSPException | RuntimeException e) {
                    ours = false;
                }
                authoritative |= ours;
                b.addResponse(id, ours ? status(id) : new UnknownStatus(), thisUpdate, nextUpdate, null);
            }
            if (!authoritative) {
                return status(OCSPRespBuilder.UNAUTHORIZED);
            }
            if (nonce != null) {
                b.setResponseExtensions(new Extensions(nonce));
            }
            BasicOCSPResp basic = b.build(CertificateAuthority.signer(signer), signerChain, thisUpdate);
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (OCSPException | IOException | OperatorCreationException e) {
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        } catch (HsmkitException e) {
            // the token failed (removed, logged out): tell the client to try later
            return status(OCSPRespBuilder.TRY_LATER);
        }
    }

    /**
     * One line on an OCSP answer, for a log: the response status, and for a successful answer each
     * certificate's serial number (hex) and status, such as {@code successful: 1A good, 2F revoked
     * (keyCompromise), 99 unknown} (the first {@value #DESCRIBED} certificates, then how many more).
     */
    public static String describe(byte[] answer) {
        try {
            OCSPResp resp = new OCSPResp(answer);
            String status = switch (resp.getStatus()) {
                case OCSPRespBuilder.SUCCESSFUL -> "successful";
                case OCSPRespBuilder.MALFORMED_REQUEST -> "malformedRequest";
                case OCSPRespBuilder.INTERNAL_ERROR -> "internalError";
                case OCSPRespBuilder.TRY_LATER -> "tryLater";
                case OCSPRespBuilder.SIG_REQUIRED -> "sigRequired";
                case OCSPRespBuilder.UNAUTHORIZED -> "unauthorized";
                default -> "status " + resp.getStatus();
            };
            if (resp.getStatus() != OCSPRespBuilder.SUCCESSFUL) {
                return status;
            }
            SingleResp[] items = ((BasicOCSPResp) resp.getResponseObject()).getResponses();
            StringJoiner each = new StringJoiner(", ", status + ": ", items.length > DESCRIBED ? ", and " + (items.length - DESCRIBED) + " more" : "");
            for (int i = 0; i < Math.min(DESCRIBED, items.length); i++) {
                CertificateStatus c = items[i].getCertStatus();
                String what = c == CertificateStatus.GOOD ? "good"
                        : c instanceof RevokedStatus r ? "revoked" + (r.hasRevocationReason() ? " (" + reasonName(r.getRevocationReason()) + ")" : "")
                        : "unknown";
                each.add(items[i].getCertID().getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + " " + what);
            }
            return each.toString();
        } catch (IOException | OCSPException | RuntimeException e) {
            return "an answer that cannot be read";
        }
    }

    private static final int DESCRIBED = 5;

    private static String reasonName(int code) {
        try {
            return RevocationReason.ofCode(code).toString();
        } catch (IllegalArgumentException e) {
            return "reason " + code;
        }
    }

    private CertificateStatus status(CertificateID id) {
        Optional<IssuedCertificate> issued = ca.find(id.getSerialNumber());
        if (issued.isEmpty()) {
            return new UnknownStatus();
        }
        IssuedCertificate c = issued.get();
        if (c.revokedAt().isPresent()) {
            RevocationReason reason = c.reason().orElse(RevocationReason.UNSPECIFIED);
            return new RevokedStatus(new RevokedInfo(new ASN1GeneralizedTime(Date.from(c.revokedAt().get())),
                    reason == RevocationReason.UNSPECIFIED ? null : CRLReason.lookup(reason.code())));
        }
        return CertificateStatus.GOOD;
    }

    private static byte[] status(int status) {
        try {
            return new OCSPRespBuilder().build(status, null).getEncoded();
        } catch (IOException | OCSPException e) {
            throw new IllegalStateException(e);
        }
    }
}
