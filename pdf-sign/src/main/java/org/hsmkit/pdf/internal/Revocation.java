package org.hsmkit.pdf.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.cms.AlgorithmPolicy;

/**
 * Reading and checking OCSP responses and CRLs for one certificate: does this response speak of
 * that certificate, is it signed by its issuer or the issuer's delegated responder, what status
 * does it give. Used when collecting data for B-LT and when verifying offline.
 */
public final class Revocation {
    private static final DigestCalculatorProvider DIGESTS;
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        try {
            // certificate IDs hash with SHA-1 or SHA-2, which the JDK has
            DIGESTS = new JcaDigestCalculatorProviderBuilder().build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Revocation() {
    }

    /** The status one piece of revocation data gives a certificate. */
    public enum Status { GOOD, REVOKED }

    /**
     * What one OCSP response or CRL says of a certificate.
     *
     * @param weakness what is weak about the data's signature ({@link AlgorithmPolicy}), null when nothing is
     * @param weakOne the data as a message names it before its weakness, e.g. "the OCSP response on CN=Bob "
     * @param data the {@link OCSPResp} or {@link X509CRL} itself
     */
    public record Finding(Status status, Instant revokedAt, Instant producedAt, String source, List<X509Certificate> signerCerts,
            AlgorithmPolicy.Weakness weakness, String weakOne, Object data) {
        /** "the OCSP response on CN=Bob uses SHA-1, not relied on for signatures since 2014". */
        public String weaknessMessage() {
            return weakOne + weakness.what() + ", not relied on for signatures since "
                    + weakness.until().toString().substring(0, 4);
        }
    }

    public static OCSPResp parseOcsp(byte[] der) {
        try {
            return new OCSPResp(der);
        } catch (IOException e) {
            throw org.hsmkit.core.HsmkitException.input("cannot read an OCSP response: " + e.getMessage(), null, e);
        }
    }

    public static X509CRL parseCrl(byte[] der) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (Exception e) {
            throw org.hsmkit.core.HsmkitException.input("cannot read a CRL: " + e.getMessage(), null, e);
        }
    }

    /**
     * What an OCSP response says of {@code cert}, or null when it does not speak of it or is not
     * properly signed (by the issuer, or by a responder certificate the issuer gave id-kp-OCSPSigning).
     */
    public static Finding checkOcsp(OCSPResp resp, X509Certificate cert, X509Certificate issuer) {
        try {
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                return null;
            }
            BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            SingleResp match = null;
            for (SingleResp s : basic.getResponses()) {
                CertificateID id = s.getCertID();
                if (id.getSerialNumber().equals(cert.getSerialNumber()) && id.matchesIssuer(issuerHolder, DIGESTS)) {
                    match = s;
                    break;
                }
            }
            if (match == null) {
                return null;
            }
            List<X509Certificate> signerCerts = new ArrayList<>();
            boolean signed = Verifiers.ocsp(basic, issuer);
            if (!signed) {
                for (X509CertificateHolder h : basic.getCerts()) {
                    X509Certificate rc = Certificates.convert(h);
                    if (Certificates.issuedBy(rc, issuer) && rc.getExtendedKeyUsage() != null
                            && rc.getExtendedKeyUsage().contains(KeyPurposeId.id_kp_OCSPSigning.getId())
                            && Verifiers.ocsp(basic, rc)) {
                        signed = true;
                        signerCerts.add(rc);
                        break;
                    }
                }
            }
            if (!signed) {
                return null;
            }
            Instant produced = basic.getProducedAt().toInstant();
            String about = "the OCSP response on " + NameFormat.format(cert.getSubjectX500Principal()) + " ";
            // the issuer's own key is judged in the path (or, as an anchor, not at all); a delegated responder's here
            Optional<AlgorithmPolicy.Weakness> weak = AlgorithmPolicy.ofSignature(basic.getSignatureAlgOID().getId(),
                    encodedParameters(basic.getSignatureAlgorithmID()), null);
            if (weak.isEmpty() && !signerCerts.isEmpty()) {
                X509Certificate responder = signerCerts.get(0);
                weak = AlgorithmPolicy.ofCertificate(responder);
                if (weak.isPresent()) {
                    about += "by the responder " + NameFormat.format(responder.getSubjectX500Principal()) + ", whose certificate ";
                }
            }
            AlgorithmPolicy.Weakness weakness = weak.orElse(null);
            CertificateStatus st = match.getCertStatus();
            if (st == CertificateStatus.GOOD) {
                return new Finding(Status.GOOD, null, produced, "OCSP", signerCerts, weakness, about, resp);
            }
            if (st instanceof RevokedStatus r) {
                return new Finding(Status.REVOKED, r.getRevocationTime().toInstant(), produced, "OCSP", signerCerts, weakness, about, resp);
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    /** What a CRL says of {@code cert}, or null when the CRL is not the issuer's or not signed by it. */
    public static Finding checkCrl(X509CRL crl, X509Certificate cert, X509Certificate issuer) {
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return null;
        }
        if (!Verifiers.crl(crl, issuer.getPublicKey())) {
            return null;
        }
        var entry = crl.getRevokedCertificate(cert.getSerialNumber());
        Instant produced = crl.getThisUpdate().toInstant();
        AlgorithmPolicy.Weakness weakness = AlgorithmPolicy.ofSignature(crl.getSigAlgOID(), crl.getSigAlgParams(), null).orElse(null);
        String about = "the CRL of " + NameFormat.format(crl.getIssuerX500Principal()) + " ";
        if (entry != null) {
            return new Finding(Status.REVOKED, entry.getRevocationDate().toInstant(), produced, "CRL", List.of(), weakness, about, crl);
        }
        return new Finding(Status.GOOD, null, produced, "CRL", List.of(), weakness, about, crl);
    }

    private static byte[] encodedParameters(AlgorithmIdentifier id) throws IOException {
        return id.getParameters() == null ? null : id.getParameters().toASN1Primitive().getEncoded();
    }

    /** When an OCSP response was produced, or null when it is no successful basic response. */
    public static Instant producedAt(OCSPResp resp) {
        try {
            return resp.getStatus() == OCSPResp.SUCCESSFUL ? ((BasicOCSPResp) resp.getResponseObject()).getProducedAt().toInstant() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Asks the OCSP responder at {@code url} about {@code cert}, with a nonce; returns the DER response. */
    public static byte[] fetchOcsp(String url, X509Certificate cert, X509Certificate issuer) {
        try {
            CertificateID id = new CertificateID(DIGESTS.get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer),
                    cert.getSerialNumber());
            OCSPReqBuilder b = new OCSPReqBuilder();
            b.addRequest(id);
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            // the extension's value is the DER of the nonce's OCTET STRING (RFC 8954), not the bare bytes
            b.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(nonce).getEncoded())));
            OCSPReq req = b.build();
            byte[] answer = Http.post(url, "application/ocsp-request", req.getEncoded());
            OCSPResp resp = parseOcsp(answer);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                throw org.hsmkit.core.HsmkitException.io("OCSP responder " + url + " answered status " + resp.getStatus(), null);
            }
            BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
            Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (echoed != null && !java.security.MessageDigest.isEqual(echoedNonce(echoed), nonce)) {
                throw org.hsmkit.core.HsmkitException.io("OCSP responder " + url + " answered with another nonce", null);
            }
            return answer;
        } catch (org.hsmkit.core.HsmkitException e) {
            throw e;
        } catch (Exception e) {
            throw org.hsmkit.core.HsmkitException.io("OCSP request to " + url + " failed: " + e.getMessage(), e);
        }
    }

    /** The nonce a response echoes; a value that is no OCTET STRING echoes none (and so mismatches). */
    private static byte[] echoedNonce(Extension echoed) {
        try {
            return ASN1OctetString.getInstance(echoed.getParsedValue()).getOctets();
        } catch (RuntimeException e) {
            return new byte[0];
        }
    }

    public static byte[] encoded(X509CRL crl) {
        try {
            return crl.getEncoded();
        } catch (CRLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the given responses and CRLs say of {@code cert}: a revocation before a good status, the
     * latest OCSP response before an earlier one. Data whose signature is weak counts only when no
     * other speaks of the certificate, since whoever forged it could make it say anything.
     */
    public static Finding find(X509Certificate cert, X509Certificate issuer, Collection<OCSPResp> ocsps, Collection<X509CRL> crls) {
        List<Finding> found = new ArrayList<>();
        for (OCSPResp r : ocsps) {
            Finding f = checkOcsp(r, cert, issuer);
            if (f != null) {
                found.add(f);
            }
        }
        for (X509CRL c : crls) {
            Finding f = checkCrl(c, cert, issuer);
            if (f != null) {
                found.add(f);
            }
        }
        Finding sound = best(found.stream().filter(f -> f.weakness() == null).toList());
        return sound != null ? sound : best(found);
    }

    private static Finding best(List<Finding> found) {
        Finding best = null;
        for (Finding f : found) {
            boolean ocsp = f.data() instanceof OCSPResp;
            if (best == null || f.status() == Status.REVOKED
                    || ocsp && best.data() instanceof OCSPResp && f.producedAt().isAfter(best.producedAt())) {
                best = f;
            }
        }
        return best;
    }
}
