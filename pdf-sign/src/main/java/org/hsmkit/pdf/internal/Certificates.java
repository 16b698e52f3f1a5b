package org.hsmkit.pdf.internal;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;

/** Certificate helpers: parsing, issuer search, chain building (optionally via AIA), URL extensions. */
public final class Certificates {
    private Certificates() {
    }

    public static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw HsmkitException.input("cannot read a certificate: " + e.getMessage(), null, e);
        }
    }

    /** Parses a DER/PEM certificate or a PKCS#7 certs-only bundle. */
    public static List<X509Certificate> parseAll(byte[] data) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(data))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException e) {
            throw HsmkitException.input("cannot read certificates: " + e.getMessage(), null, e);
        }
    }

    public static X509Certificate convert(X509CertificateHolder h) {
        try {
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (CertificateException e) {
            throw HsmkitException.input("cannot read a certificate: " + e.getMessage(), null, e);
        }
    }

    public static boolean isSelfSigned(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && issuedBy(c, c);
    }

    /** True when {@code issuer}'s key verifies {@code cert}'s signature and the names chain. */
    public static boolean issuedBy(X509Certificate cert, X509Certificate issuer) {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        return org.hsmkit.core.internal.Providers.verifies(cert, issuer.getPublicKey());
    }

    public static X509Certificate findIssuer(X509Certificate cert, Collection<X509Certificate> pool) {
        for (X509Certificate c : pool) {
            if (issuedBy(cert, c)) {
                return c;
            }
        }
        return null;
    }

    /**
     * The chain from {@code leaf} up to a self-signed certificate, taking issuers from the pool and,
     * when {@code fetch} is set, from AIA caIssuers URLs. Stops early when an issuer cannot be found.
     */
    public static List<X509Certificate> chain(X509Certificate leaf, Collection<X509Certificate> pool, boolean fetch) {
        List<X509Certificate> chain = new ArrayList<>();
        Set<X509Certificate> all = new LinkedHashSet<>(pool);
        X509Certificate c = leaf;
        while (c != null && chain.size() < 10 && !chain.contains(c)) {
            chain.add(c);
            if (isSelfSigned(c)) {
                break;
            }
            X509Certificate issuer = findIssuer(c, all);
            if (issuer == null && fetch) {
                for (String url : caIssuerUrls(c)) {
                    try {
                        for (X509Certificate f : parseAll(Http.get(url))) {
                            all.add(f);
                        }
                    } catch (HsmkitException e) {
                        continue;
                    }
                    issuer = findIssuer(c, all);
                    if (issuer != null) {
                        break;
                    }
                }
            }
            c = issuer;
        }
        return chain;
    }

    public static List<String> ocspUrls(X509Certificate c) {
        return aiaUrls(c, X509ObjectIdentifiers.ocspAccessMethod.getId());
    }

    public static List<String> caIssuerUrls(X509Certificate c) {
        return aiaUrls(c, AccessDescription.id_ad_caIssuers.getId());
    }

    private static List<String> aiaUrls(X509Certificate c, String method) {
        List<String> out = new ArrayList<>();
        byte[] ext = c.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (ext == null) {
            return out;
        }
        AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(inner(ext));
        for (AccessDescription ad : aia.getAccessDescriptions()) {
            if (ad.getAccessMethod().getId().equals(method)
                    && ad.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                out.add(ASN1IA5String.getInstance(ad.getAccessLocation().getName()).getString());
            }
        }
        return out;
    }

    private static ASN1Primitive inner(byte[] extensionValue) {
        try {
            return ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(extensionValue).getOctets());
        } catch (java.io.IOException e) {
            throw HsmkitException.input("a certificate has a damaged extension: " + e.getMessage(), null, e);
        }
    }

    public static List<String> crlUrls(X509Certificate c) {
        List<String> out = new ArrayList<>();
        byte[] ext = c.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (ext == null) {
            return out;
        }
        CRLDistPoint dps = CRLDistPoint.getInstance(inner(ext));
        for (DistributionPoint dp : dps.getDistributionPoints()) {
            DistributionPointName n = dp.getDistributionPoint();
            if (n != null && n.getType() == DistributionPointName.FULL_NAME) {
                for (GeneralName g : GeneralNames.getInstance(n.getName()).getNames()) {
                    if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        out.add(ASN1IA5String.getInstance(g.getName()).getString());
                    }
                }
            }
        }
        return out;
    }

    /** The subject's common name, or the whole subject when it has none. */
    public static String commonName(X509Certificate c) {
        return NameFormat.commonName(c.getSubjectX500Principal());
    }

    public static boolean hasOcspNoCheck(X509Certificate c) {
        return c.getExtensionValue(org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId()) != null;
    }
}
