package org.hsmkit.core.internal.ca;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.ca.CaSettings;
import org.hsmkit.core.ca.Profile;

/**
 * What each {@link Profile} puts into a certificate, and what a request may ask for under it.
 * Key usage, extended key usage and basic constraints come from the profile only; a request that
 * asks for more is refused rather than quietly trimmed.
 */
public final class ProfileRules {
    private static final String[] KEY_USAGE_NAMES = {"digitalSignature", "nonRepudiation", "keyEncipherment",
        "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};

    private ProfileRules() {
    }

    /** The key usage bits (Bouncy Castle's {@link KeyUsage} constants) of a profile for a key kind. */
    public static int keyUsage(Profile p, boolean rsa) {
        return switch (p) {
            case SMIME -> KeyUsage.digitalSignature | KeyUsage.nonRepudiation | (rsa ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement);
            case TLS_SERVER -> KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0);
            case TLS_CLIENT, CODE_SIGNING, OCSP_SIGNER -> KeyUsage.digitalSignature;
            case SUB_CA -> KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature;
        };
    }

    /** The key usage of a CA certificate this CA makes for itself (root or intermediate request). */
    public static int caKeyUsage() {
        return keyUsage(Profile.SUB_CA, true);
    }

    public static List<KeyPurposeId> extendedKeyUsage(Profile p) {
        return switch (p) {
            case SMIME -> List.of(KeyPurposeId.id_kp_emailProtection);
            case TLS_CLIENT -> List.of(KeyPurposeId.id_kp_clientAuth);
            case TLS_SERVER -> List.of(KeyPurposeId.id_kp_serverAuth);
            case CODE_SIGNING -> List.of(KeyPurposeId.id_kp_codeSigning);
            case OCSP_SIGNER -> List.of(KeyPurposeId.id_kp_OCSPSigning);
            case SUB_CA -> List.of();
        };
    }

    /** Key usage bits as names, e.g. {@code digitalSignature, keyEncipherment}. */
    public static List<String> keyUsageNames(int bits) {
        List<String> out = new ArrayList<>();
        KeyUsage ku = new KeyUsage(bits);
        int[] flags = {KeyUsage.digitalSignature, KeyUsage.nonRepudiation, KeyUsage.keyEncipherment, KeyUsage.dataEncipherment,
            KeyUsage.keyAgreement, KeyUsage.keyCertSign, KeyUsage.cRLSign, KeyUsage.encipherOnly, KeyUsage.decipherOnly};
        for (int i = 0; i < flags.length; i++) {
            if (ku.hasUsages(flags[i])) {
                out.add(KEY_USAGE_NAMES[i]);
            }
        }
        return out;
    }

    /** Short names of extended key usages, e.g. {@code emailProtection}. */
    public static String ekuName(KeyPurposeId id) {
        if (id.equals(KeyPurposeId.id_kp_emailProtection)) {
            return "emailProtection";
        } else if (id.equals(KeyPurposeId.id_kp_clientAuth)) {
            return "clientAuth";
        } else if (id.equals(KeyPurposeId.id_kp_serverAuth)) {
            return "serverAuth";
        } else if (id.equals(KeyPurposeId.id_kp_codeSigning)) {
            return "codeSigning";
        } else if (id.equals(KeyPurposeId.id_kp_OCSPSigning)) {
            return "OCSPSigning";
        } else if (id.equals(KeyPurposeId.id_kp_timeStamping)) {
            return "timeStamping";
        }
        return id.getId();
    }

    /**
     * Refuses a request whose extensions ask for what the profile does not give: a key usage
     * outside the profile's, an extended key usage outside it, or a CA certificate under an
     * end-entity profile.
     */
    public static void requireAllowed(Profile p, boolean rsa, Extensions requested, String name) {
        if (requested == null) {
            return;
        }
        KeyUsage ku = KeyUsage.fromExtensions(requested);
        if (ku != null) {
            int allowed = keyUsage(p, rsa);
            int asked = ku.getBytes().length == 0 ? 0 : bits(ku);
            int extra = asked & ~allowed;
            if (extra != 0) {
                throw HsmkitException.input("the request " + name + " asks for key usage " + String.join(", ", keyUsageNames(extra))
                        + ", which the " + p + " profile does not allow (it gives " + String.join(", ", keyUsageNames(allowed))
                        + " to " + (rsa ? "RSA" : "EC") + " keys); nothing was issued",
                        "choose the profile the key is for (--profile), or ask for a request without that key usage");
            }
        }
        BasicConstraints bc = BasicConstraints.fromExtensions(requested);
        if (bc != null && bc.isCA() && !p.isCa()) {
            throw HsmkitException.input("the request " + name + " asks to be a CA, which the " + p + " profile does not allow;"
                    + " nothing was issued", "issue CA certificates with --profile sub-ca, on purpose");
        }
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(requested);
        if (eku != null) {
            List<KeyPurposeId> allowed = extendedKeyUsage(p);
            for (KeyPurposeId id : eku.getUsages()) {
                if (!allowed.contains(id)) {
                    throw HsmkitException.input("the request " + name + " asks for extended key usage " + ekuName(id)
                            + ", which the " + p + " profile does not give; nothing was issued",
                            "choose the profile the key is for (--profile)");
                }
            }
        }
    }

    private static int bits(KeyUsage ku) {
        byte[] b = ku.getBytes();
        int v = b[0] & 0xff;
        if (b.length > 1) {
            v |= (b[1] & 0xff) << 8;
        }
        return v;
    }

    /**
     * Every extension of a certificate under {@code p}: basic constraints, key usage, extended
     * key usage, subject and authority key identifiers, subject alternative names, CRL
     * distribution point and authority information access from the settings.
     */
    public static List<Extension> extensions(Profile p, SubjectPublicKeyInfo subjectKey, X509Certificate ca, CaSettings settings,
            GeneralNames sans, boolean subjectEmpty, Integer pathLength) {
        try {
            List<Extension> out = new ArrayList<>();
            BasicConstraints bc = p.isCa() ? (pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength))
                    : new BasicConstraints(false);
            out.add(new Extension(Extension.basicConstraints, true, bc.getEncoded()));
            out.add(new Extension(Extension.keyUsage, true,
                    new KeyUsage(keyUsage(p, CertificateRequests.isRsa(subjectKey))).getEncoded()));
            List<KeyPurposeId> eku = extendedKeyUsage(p);
            if (!eku.isEmpty()) {
                out.add(new Extension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(eku.toArray(KeyPurposeId[]::new)).getEncoded()));
            }
            BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
            out.add(new Extension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey).getEncoded()));
            out.add(new Extension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(ca).getEncoded()));
            if (sans != null && sans.getNames().length > 0) {
                out.add(new Extension(Extension.subjectAlternativeName, subjectEmpty, sans.getEncoded()));
            }
            if (p == Profile.OCSP_SIGNER) {
                out.add(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE.getEncoded()));
            }
            if (settings.crlUrl().isPresent()) {
                DistributionPoint dp = new DistributionPoint(new DistributionPointName(new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, settings.crlUrl().get()))), null, null);
                out.add(new Extension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {dp}).getEncoded()));
            }
            List<AccessDescription> aia = new ArrayList<>();
            if (settings.ocspUrl().isPresent() && p != Profile.OCSP_SIGNER) {
                aia.add(new AccessDescription(X509ObjectIdentifiers.ocspAccessMethod,
                        new GeneralName(GeneralName.uniformResourceIdentifier, settings.ocspUrl().get())));
            }
            if (settings.issuerUrl().isPresent()) {
                aia.add(new AccessDescription(AccessDescription.id_ad_caIssuers,
                        new GeneralName(GeneralName.uniformResourceIdentifier, settings.issuerUrl().get())));
            }
            if (!aia.isEmpty()) {
                out.add(new Extension(Extension.authorityInfoAccess, false,
                        new AuthorityInformationAccess(aia.toArray(AccessDescription[]::new)).getEncoded()));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA's key identifier, as its own certificate states it (or derived from its key). */
    public static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate ca) {
        byte[] ski = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            byte[] id = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier();
            return new AuthorityKeyIdentifier(id);
        }
        return new BcX509ExtensionUtils().createAuthorityKeyIdentifier(SubjectPublicKeyInfo.getInstance(ca.getPublicKey().getEncoded()));
    }

    /** Names for messages: {@code email:a@b}, {@code dns:host}, {@code ip:192.0.2.1}, {@code uri:…}. */
    public static List<String> describe(GeneralNames names) {
        if (names == null) {
            return List.of();
        }
        return Arrays.stream(names.getNames()).map(ProfileRules::describe).toList();
    }

    public static String describe(GeneralName n) {
        return switch (n.getTagNo()) {
            case GeneralName.rfc822Name -> "email:" + n.getName();
            case GeneralName.dNSName -> "dns:" + n.getName();
            case GeneralName.uniformResourceIdentifier -> "uri:" + n.getName();
            case GeneralName.iPAddress -> "ip:" + ipText(ASN1OctetString.getInstance(n.getName()).getOctets());
            case GeneralName.directoryName -> "dirName:" + n.getName();
            default -> "other(" + n.getTagNo() + ")";
        };
    }

    private static String ipText(byte[] b) {
        try {
            return java.net.InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return java.util.HexFormat.of().formatHex(b);
        }
    }
}
