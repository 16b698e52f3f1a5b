package org.hsmkit.core.internal.ca;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;

/** Certificate extensions in words, one line each, for the to-be-signed view of a plan. */
public final class ExtensionText {
    private ExtensionText() {
    }

    public static List<String> describe(List<Extension> extensions) {
        List<String> out = new ArrayList<>();
        for (Extension e : extensions) {
            out.add(name(e) + (e.isCritical() ? " (critical)" : "") + ": " + value(e));
        }
        return out;
    }

    private static String name(Extension e) {
        var id = e.getExtnId();
        if (id.equals(Extension.basicConstraints)) {
            return "basicConstraints";
        } else if (id.equals(Extension.keyUsage)) {
            return "keyUsage";
        } else if (id.equals(Extension.extendedKeyUsage)) {
            return "extendedKeyUsage";
        } else if (id.equals(Extension.subjectKeyIdentifier)) {
            return "subjectKeyIdentifier";
        } else if (id.equals(Extension.authorityKeyIdentifier)) {
            return "authorityKeyIdentifier";
        } else if (id.equals(Extension.subjectAlternativeName)) {
            return "subjectAltName";
        } else if (id.equals(Extension.cRLDistributionPoints)) {
            return "cRLDistributionPoints";
        } else if (id.equals(Extension.authorityInfoAccess)) {
            return "authorityInfoAccess";
        } else if (id.equals(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck)) {
            return "ocspNoCheck";
        }
        return id.getId();
    }

    private static String value(Extension e) {
        var id = e.getExtnId();
        var v = e.getParsedValue();
        if (id.equals(Extension.basicConstraints)) {
            BasicConstraints bc = BasicConstraints.getInstance(v);
            return bc.isCA() ? "CA:TRUE" + (bc.getPathLenConstraint() == null ? "" : ", pathlen:" + bc.getPathLenConstraint())
                    : "CA:FALSE";
        } else if (id.equals(Extension.keyUsage)) {
            KeyUsage ku = KeyUsage.getInstance(v);
            int bits = 0;
            for (int flag : new int[] {KeyUsage.digitalSignature, KeyUsage.nonRepudiation, KeyUsage.keyEncipherment,
                KeyUsage.dataEncipherment, KeyUsage.keyAgreement, KeyUsage.keyCertSign, KeyUsage.cRLSign}) {
                bits |= ku.hasUsages(flag) ? flag : 0;
            }
            return String.join(", ", ProfileRules.keyUsageNames(bits));
        } else if (id.equals(Extension.extendedKeyUsage)) {
            List<String> names = new ArrayList<>();
            for (KeyPurposeId k : ExtendedKeyUsage.getInstance(v).getUsages()) {
                names.add(ProfileRules.ekuName(k));
            }
            return String.join(", ", names);
        } else if (id.equals(Extension.subjectKeyIdentifier)) {
            return hex(SubjectKeyIdentifier.getInstance(v).getKeyIdentifier());
        } else if (id.equals(Extension.authorityKeyIdentifier)) {
            return hex(AuthorityKeyIdentifier.getInstance(v).getKeyIdentifier());
        } else if (id.equals(Extension.subjectAlternativeName)) {
            return String.join(", ", ProfileRules.describe(GeneralNames.getInstance(v)));
        } else if (id.equals(Extension.cRLDistributionPoints)) {
            List<String> urls = new ArrayList<>();
            for (DistributionPoint dp : CRLDistPoint.getInstance(v).getDistributionPoints()) {
                for (GeneralName n : GeneralNames.getInstance(dp.getDistributionPoint().getName()).getNames()) {
                    urls.add(String.valueOf(n.getName()));
                }
            }
            return String.join(", ", urls);
        } else if (id.equals(Extension.authorityInfoAccess)) {
            List<String> parts = new ArrayList<>();
            for (AccessDescription d : AuthorityInformationAccess.getInstance(v).getAccessDescriptions()) {
                String kind = d.getAccessMethod().equals(X509ObjectIdentifiers.ocspAccessMethod) ? "OCSP" : "caIssuers";
                parts.add(kind + " " + d.getAccessLocation().getName());
            }
            return String.join(", ", parts);
        } else if (id.equals(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck)) {
            return "present (relying parties do not check this responder's own revocation)";
        }
        return HexFormat.of().formatHex(ASN1OctetString.getInstance(e.getExtnValue()).getOctets());
    }

    private static String hex(byte[] b) {
        if (b == null) {
            return "-";
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
    }
}
