package org.hsmkit.pdf.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Asks an RFC 3161 time-stamping authority for a token over a digest (with a nonce and certReq)
 * and checks the answer: granted status, the imprint and nonce we sent, a signature by a
 * certificate carried in the token whose extended key usage is timeStamping.
 */
public final class TimestampClient {
    private final String url;
    private final SecureRandom random = new SecureRandom();
    private int sizeHint = -1;

    public TimestampClient(String url) {
        this.url = url;
    }

    public String url() {
        return url;
    }

    /** Requests and validates a token over {@code digest}. */
    public TimeStampToken stamp(DigestAlgorithm alg, byte[] digest) {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        BigInteger nonce = new BigInteger(64, random);
        TimeStampRequest req = g.generate(new ASN1ObjectIdentifier(alg.oid()), digest, nonce);
        byte[] answer;
        try {
            answer = Http.post(url, "application/timestamp-query", req.getEncoded());
        } catch (HsmkitException e) {
            throw new HsmkitException(ErrorKind.IO, "time-stamping authority " + url + " failed: " + e.getMessage(),
                    "check the --tsa URL and the network, or sign at --level B-B", e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        TimeStampResponse resp;
        try {
            resp = new TimeStampResponse(answer);
            resp.validate(req);
        } catch (Exception e) {
            throw new HsmkitException(ErrorKind.INPUT, "time-stamping authority " + url + " sent an unusable answer: "
                    + e.getMessage(), "check that " + url + " is an RFC 3161 time-stamping service", e);
        }
        TimeStampToken token = resp.getTimeStampToken();
        X509Certificate tsa = verifyToken(token);
        if (tsa == null) {
            throw new HsmkitException(ErrorKind.INPUT, "the time-stamp from " + url + " does not verify",
                    "the time-stamping authority must include its certificate (certReq) and sign correctly");
        }
        if (!MessageDigest.isEqual(token.getTimeStampInfo().getMessageImprintDigest(), digest)) {
            throw new HsmkitException(ErrorKind.INPUT, "the time-stamp from " + url + " covers another digest", null);
        }
        return token;
    }

    /** Size of a token this TSA returns, from one dry-run request (cached). */
    public int tokenSize(DigestAlgorithm alg) {
        if (sizeHint < 0) {
            try {
                sizeHint = stamp(alg, MessageDigest.getInstance(alg.jcaName()).digest(new byte[] {0})).getEncoded().length;
            } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return sizeHint;
    }

    /**
     * Verifies the token's signature with the certificate it carries (matched by its signer id),
     * checks that certificate's timeStamping key purpose and the ESS certificate binding, and
     * returns the certificate; null when the token does not verify.
     */
    public static X509Certificate verifyToken(TimeStampToken token) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = token.getCertificates().getMatches(token.getSID());
        for (X509CertificateHolder h : matches) {
            try {
                X509Certificate c = Certificates.convert(h);
                if (c.getExtendedKeyUsage() == null || !c.getExtendedKeyUsage().contains(KeyPurposeId.id_kp_timeStamping.getId())) {
                    continue;
                }
                if (Verifiers.timeStampToken(token, h) && essBindingMatches(token, h)) {
                    return c;
                }
            } catch (CertificateException | RuntimeException e) {
                // try the next candidate; none verifying means the token is rejected
            }
        }
        return null;
    }

    private static boolean essBindingMatches(TimeStampToken token, X509CertificateHolder cert) {
        try {
            // TimeStampToken's own checker would also demand a critical EKU; the binding is what we need here.
            org.bouncycastle.asn1.cms.AttributeTable signed = token.getSignedAttributes();
            org.bouncycastle.asn1.cms.Attribute v2 = signed.get(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_aa_signingCertificateV2);
            org.bouncycastle.asn1.cms.Attribute v1 = signed.get(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_aa_signingCertificate);
            byte[] der = cert.getEncoded();
            if (v2 != null) {
                org.bouncycastle.asn1.ess.SigningCertificateV2 sc = org.bouncycastle.asn1.ess.SigningCertificateV2.getInstance(v2.getAttrValues().getObjectAt(0));
                org.bouncycastle.asn1.ess.ESSCertIDv2 id = sc.getCerts()[0];
                String oid = id.getHashAlgorithm().getAlgorithm().getId();
                MessageDigest md = Verifiers.digest(oid);
                return MessageDigest.isEqual(md.digest(der), id.getCertHash());
            }
            if (v1 != null) {
                org.bouncycastle.asn1.ess.SigningCertificate sc = org.bouncycastle.asn1.ess.SigningCertificate.getInstance(v1.getAttrValues().getObjectAt(0));
                MessageDigest md = MessageDigest.getInstance("SHA-1");
                return MessageDigest.isEqual(md.digest(der), sc.getCerts()[0].getCertHash());
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
