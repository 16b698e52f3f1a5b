package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificate;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.tsp.TimeStampToken;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.cms.AlgorithmPolicy;
import org.hsmkit.core.internal.cms.SignedAttributesAsWritten;
import org.hsmkit.pdf.SubIndication;

/**
 * The cryptographic checks of one signature or document time-stamp: the digest over the byte
 * range against the signed one, the signature value, the ESS signing-certificate attribute, key
 * usage, signature time-stamps, and (unless only integrity is asked for) trust.
 */
final class CmsChecks {
    private final Path file;
    private final TrustCheck trust;
    private final boolean integrityOnly;

    CmsChecks(Path file, TrustCheck trust, boolean integrityOnly) {
        this.file = file;
        this.trust = trust;
        this.integrityOnly = integrityOnly;
    }

    /** A CMS signature (adbe.pkcs7.detached or ETSI.CAdES.detached) over the byte range {@code br}. */
    void signature(byte[] der, long[] br, SignatureState sig, ValidationPool pool) {
        if (!"adbe.pkcs7.detached".equals(sig.subFilter) && !"ETSI.CAdES.detached".equals(sig.subFilter)) {
            sig.fail(SubIndication.FORMAT_FAILURE, "SubFilter " + sig.subFilter + " is not supported (only ETSI.CAdES.detached,"
                    + " adbe.pkcs7.detached and ETSI.RFC3161)");
            return;
        }
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(ContentInfo.getInstance(der));
        } catch (Exception e) {
            sig.fail(SubIndication.FORMAT_FAILURE, "/Contents holds no CMS SignedData (universal signature forgery)");
            return;
        }
        if (cms.getSignerInfos().size() != 1) {
            sig.fail(SubIndication.FORMAT_FAILURE, "the CMS holds " + cms.getSignerInfos().size()
                    + " signers; a PDF signature has exactly one");
            return;
        }
        SignerInformation si = cms.getSignerInfos().getSigners().iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(si.getSID());
        if (matches.isEmpty()) {
            sig.fail(SubIndication.NO_SIGNING_CERTIFICATE_FOUND, "the signer's certificate is not in the signature");
            return;
        }
        AttributeTable signed = si.getSignedAttributes();
        X509CertificateHolder holder = signerCertificate(matches, signed);
        X509Certificate cert = Certificates.convert(holder);
        sig.signer = NameFormat.format(cert.getSubjectX500Principal());
        sig.issuer = NameFormat.format(cert.getIssuerX500Principal());
        if (signed == null) {
            sig.fail(SubIndication.FORMAT_FAILURE, "the CMS has no signed attributes (not a PAdES signature)");
            return;
        }
        try {
            String digestOid = si.getDigestAlgOID();
            byte[] hash = digest(digestOid, br);
            Attribute mdAttr = signed.get(CMSAttributes.messageDigest);
            byte[] claimed = mdAttr == null ? null : ASN1OctetString.getInstance(mdAttr.getAttrValues().getObjectAt(0)).getOctets();
            boolean digestOk = claimed != null && MessageDigest.isEqual(claimed, hash);
            boolean valueOk = valueVerifies(der, digestOid, hash, si, holder, sig);
            sig.intact = digestOk && valueOk;
            if (!digestOk) {
                sig.fail(SubIndication.HASH_FAILURE, "the document bytes in the /ByteRange do not match the signed digest:"
                        + " modified after signing");
            } else if (!valueOk) {
                sig.fail(SubIndication.SIG_CRYPTO_FAILURE, "the signature value does not verify with the signer's certificate");
            }
            signingCertificate(signed, holder, sig);
            boolean[] ku = cert.getKeyUsage();
            if (ku != null && !ku[0] && !ku[1]) {
                sig.fail(SubIndication.CHAIN_CONSTRAINTS_FAILURE, "the signer's certificate allows neither digitalSignature"
                        + " nor nonRepudiation");
            }
            for (TimeStampToken t : Increments.signatureTimestamps(si)) {
                signatureTimestamp(t, si.getSignature(), sig, pool);
            }
            // judged when every signature is known: a later document time-stamp may prove it older (Verification)
            AlgorithmPolicy.ofSigner(si, cert.getPublicKey()).ifPresent(w -> sig.weak(w, w.key() ? "the signer's key " : "the signature "));
            if (!integrityOnly) {
                Set<X509Certificate> certs = pool.with(cms.getCertificates());
                sig.signerCert = cert;
                sig.certs = certs;
                List<X509CRL> crls = new ArrayList<>(pool.crls);
                @SuppressWarnings("unchecked")
                Collection<X509CRLHolder> cmsCrls = cms.getCRLs().getMatches(null);
                for (X509CRLHolder h : cmsCrls) {
                    try {
                        crls.add(Revocation.parseCrl(h.getEncoded()));
                    } catch (Exception e) {
                        // unreadable
                    }
                }
                trust.apply(sig, trust.check(cert, certs, pool.ocsps, crls, sig.proven != null ? sig.proven : Instant.now()));
            }
        } catch (IOException e) {
            sig.fail(SubIndication.FORMAT_FAILURE, "cannot check the signature: " + e.getMessage());
        }
    }

    /**
     * The signature value over the signed attributes, first as DER (RFC 5652), then as the
     * signer wrote them (see {@link SignedAttributesAsWritten}).
     */
    private static boolean valueVerifies(byte[] der, String digestOid, byte[] hash, SignerInformation si,
            X509CertificateHolder holder, SignatureState sig) {
        try {
            CMSSignedData withHash = new CMSSignedData(Map.of(new ASN1ObjectIdentifier(digestOid), hash), der);
            SignerInformation s2 = withHash.getSignerInfos().get(si.getSID());
            if (verifies(s2, holder)) {
                return true;
            }
            SignerInformation asWritten = SignedAttributesAsWritten.of(s2);
            if (asWritten != null && verifies(asWritten, holder)) {
                sig.warnings.add("the signed attributes are not DER-encoded (their set is not sorted); the signature"
                        + " verifies over them as the signer wrote them, as openssl and poppler check it");
                return true;
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** PAdES needs an ESS signing-certificate attribute that names the signer's certificate. */
    private static void signingCertificate(AttributeTable signed, X509CertificateHolder holder, SignatureState sig) {
        sig.pades = "ETSI.CAdES.detached".equals(sig.subFilter);
        if (!essMatches(signed, holder)) {
            if (signed.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2) != null
                    || signed.get(PKCSObjectIdentifiers.id_aa_signingCertificate) != null) {
                sig.fail(SubIndication.NO_SIGNING_CERTIFICATE_FOUND, "the ESS signing-certificate attribute names another"
                        + " certificate (certificate substitution)");
            } else {
                sig.pades = false;
                if ("ETSI.CAdES.detached".equals(sig.subFilter)) {
                    sig.warnings.add("no ESS signing-certificate attribute: not a PAdES baseline signature");
                }
            }
        }
        if (signed.get(CMSAttributes.signingTime) != null && sig.pades) {
            sig.warnings.add("a signing-time attribute is present; PAdES baseline signatures carry the time in /M only");
        }
    }

    private static boolean verifies(SignerInformation signer, X509CertificateHolder cert) {
        return Verifiers.signerInfo(signer, cert);
    }

    /**
     * The certificate the signer identifier names; when several do (an issuer that reused a
     * serial number, or a key identifier shared by renewed certificates), the one the signed ESS
     * signing-certificate attribute names.
     */
    private static X509CertificateHolder signerCertificate(Collection<X509CertificateHolder> matches, AttributeTable signed) {
        if (matches.size() > 1 && signed != null) {
            for (X509CertificateHolder h : matches) {
                if (essMatches(signed, h)) {
                    return h;
                }
            }
        }
        return matches.iterator().next();
    }

    private static boolean essMatches(AttributeTable signed, X509CertificateHolder cert) {
        try {
            byte[] der = cert.getEncoded();
            Attribute v2 = signed.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
            if (v2 != null) {
                ESSCertIDv2 id = SigningCertificateV2.getInstance(v2.getAttrValues().getObjectAt(0)).getCerts()[0];
                MessageDigest md = Verifiers.digest(id.getHashAlgorithm().getAlgorithm().getId());
                return MessageDigest.isEqual(md.digest(der), id.getCertHash());
            }
            Attribute v1 = signed.get(PKCSObjectIdentifiers.id_aa_signingCertificate);
            if (v1 != null) {
                byte[] h = SigningCertificate.getInstance(v1.getAttrValues().getObjectAt(0)).getCerts()[0].getCertHash();
                return MessageDigest.isEqual(MessageDigest.getInstance("SHA-1").digest(der), h);
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private void signatureTimestamp(TimeStampToken t, byte[] signatureValue, SignatureState sig, ValidationPool pool) {
        try {
            String alg = t.getTimeStampInfo().getMessageImprintAlgOID().getId();
            byte[] expect = Verifiers.digest(alg).digest(signatureValue);
            X509Certificate tsa = TimestampClient.verifyToken(t);
            if (tsa == null || !MessageDigest.isEqual(expect, t.getTimeStampInfo().getMessageImprintDigest())) {
                sig.fail(SubIndication.SIG_CRYPTO_FAILURE, "the signature time-stamp does not verify or covers another signature value");
                return;
            }
            sig.signatureTimestamp = true;
            Instant gen = t.getTimeStampInfo().getGenTime().toInstant();
            if (!integrityOnly) {
                TrustCheck.Trust tr = trust.check(tsa, pool.with(t.getCertificates()), pool.ocsps, pool.crls, gen);
                if (!tr.trusted()) {
                    sig.warnings.add("the signature time-stamp's authority is not trusted (" + tr.reason() + "); its time is not used");
                    return;
                }
                if (tr.pathWeakness() != null) {
                    // its own time cannot prove its path older than the algorithm's end date
                    sig.warnings.add("the signature time-stamp's authority is not relied on: " + tr.pathWeakness().message()
                            + "; its time is not used");
                    return;
                }
                if (!tr.revokedReason().isEmpty()) {
                    sig.warnings.add("the signature time-stamp was made after its authority's path was revoked (" + tr.revokedReason()
                            + "); its time is not used");
                    return;
                }
            }
            // a forged token could claim any time, so a weak one proves none (nothing proves the token older)
            SignerInformation tsi = t.toCMSSignedData().getSignerInfos().getSigners().iterator().next();
            java.util.Optional<AlgorithmPolicy.Weakness> weak = AlgorithmPolicy.ofSigner(tsi, tsa.getPublicKey());
            if (weak.isPresent()) {
                sig.warnings.add((weak.get().key() ? "the signature time-stamp's authority " : "the signature time-stamp ")
                        + weak.get().explained() + "; its time is not used");
                return;
            }
            sig.proven = gen;
        } catch (Exception e) {
            sig.fail(SubIndication.FORMAT_FAILURE, "cannot read the signature time-stamp: " + e.getMessage());
        }
    }

    /** An ETSI.RFC3161 document time-stamp over the byte range {@code br}. */
    void documentTimestamp(byte[] der, long[] br, SignatureState sig, ValidationPool pool) {
        try {
            TimeStampToken t = new TimeStampToken(new CMSSignedData(ContentInfo.getInstance(der)));
            String alg = t.getTimeStampInfo().getMessageImprintAlgOID().getId();
            byte[] hash = digest(alg, br);
            X509Certificate tsa = TimestampClient.verifyToken(t);
            boolean imprint = MessageDigest.isEqual(hash, t.getTimeStampInfo().getMessageImprintDigest());
            sig.intact = tsa != null && imprint;
            if (!imprint) {
                sig.fail(SubIndication.HASH_FAILURE, "the document bytes in the /ByteRange do not match the time-stamped digest:"
                        + " modified after time-stamping");
            } else if (tsa == null) {
                sig.fail(SubIndication.SIG_CRYPTO_FAILURE, "the document time-stamp's signature does not verify");
            }
            if (tsa == null) {
                return;
            }
            sig.signer = NameFormat.format(tsa.getSubjectX500Principal());
            sig.issuer = NameFormat.format(tsa.getIssuerX500Principal());
            sig.proven = t.getTimeStampInfo().getGenTime().toInstant();
            // a SHA-1 imprint lets a colliding document take the time-stamp; a weak signature lets anyone make one
            SignerInformation tsi = t.toCMSSignedData().getSignerInfos().getSigners().iterator().next();
            AlgorithmPolicy.ofDigest(alg).map(w -> new AlgorithmPolicy.Weakness(w.what() + " for the document's digest", w.until(), false))
                    .or(() -> AlgorithmPolicy.ofSigner(tsi, tsa.getPublicKey()))
                    .ifPresent(w -> sig.weak(w, w.key() ? "the document time-stamp's authority " : "the document time-stamp "));
            Instant expiry = tsa.getNotAfter().toInstant();
            if (expiry.isBefore(Instant.now())) {
                sig.warnings.add("the time-stamping certificate of this document time-stamp expired " + expiry
                        + ": only a later archive time-stamp keeps proving this time");
            } else if (expiry.isBefore(Instant.now().plus(Duration.ofDays(90)))) {
                sig.warnings.add("the time-stamping certificate of this document time-stamp expires " + expiry
                        + ": add a fresh one before then (pdf extend --level B-LTA)");
            }
            if (!integrityOnly) {
                trust.apply(sig, trust.check(tsa, pool.with(t.getCertificates()), pool.ocsps, pool.crls, sig.proven));
            }
        } catch (Exception e) {
            sig.fail(SubIndication.FORMAT_FAILURE, "/Contents holds no readable RFC 3161 time-stamp token: " + e.getMessage());
        }
    }

    /** The digest of the two parts of the byte range, read from the file. */
    private byte[] digest(String algorithm, long[] br) throws IOException {
        MessageDigest md;
        try {
            md = Verifiers.digest(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("unknown digest algorithm " + algorithm);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] buf = new byte[1 << 16];
            for (int r = 0; r < 2; r++) {
                long pos = br[2 * r];
                long left = br[2 * r + 1];
                raf.seek(pos);
                while (left > 0) {
                    int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new IOException("the byte range runs past the end of the file");
                    }
                    md.update(buf, 0, n);
                    left -= n;
                }
            }
        }
        return md.digest();
    }
}
