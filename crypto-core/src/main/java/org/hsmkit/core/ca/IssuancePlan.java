package org.hsmkit.core.ca;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A checked request, ready to be signed by the {@link CertificateAuthority} that made it: what the
 * certificate will say, for the user to confirm ({@link #describe()}) before
 * {@link CertificateAuthority#issue(IssuancePlan)}. Making a plan reserves nothing; the serial
 * number is drawn and the validity starts when it is issued.
 */
public final class IssuancePlan {
    final CertificateAuthority ca;
    final X500Name subject;
    final SubjectPublicKeyInfo publicKey;
    final String keyHash;
    final List<Extension> extensions;
    final Validity validity;
    private final String requestName;
    private final Profile profile;
    private final String keyDescription;
    private final List<String> names;
    private final List<String> description;

    IssuancePlan(CertificateAuthority ca, String requestName, Profile profile, X500Name subject, SubjectPublicKeyInfo publicKey,
            String keyDescription, String keyHash, GeneralNames names, List<Extension> extensions, Validity validity,
            List<String> description) {
        this.ca = ca;
        this.requestName = requestName;
        this.profile = profile;
        this.subject = subject;
        this.publicKey = publicKey;
        this.keyDescription = keyDescription;
        this.keyHash = keyHash;
        this.names = org.hsmkit.core.internal.ca.ProfileRules.describe(names);
        this.extensions = List.copyOf(extensions);
        this.validity = validity;
        this.description = List.copyOf(description);
    }

    public String requestName() {
        return requestName;
    }

    public Profile profile() {
        return profile;
    }

    /** The subject, RFC 4514 style with short names, in the order of the request. */
    public String subject() {
        return X500Name.getInstance(BCStyle.INSTANCE, subject).toString();
    }

    /** The subject alternative names, {@code email:…}, {@code dns:…}, {@code ip:…}, {@code uri:…}. */
    public List<String> subjectAlternativeNames() {
        return names;
    }

    /** The key in words: {@code RSA-3072}, {@code EC P-256}. */
    public String keyDescription() {
        return keyDescription;
    }

    public Validity validity() {
        return validity;
    }

    /** When the certificate would end if issued at {@code issuedAt}. */
    public Instant notAfter(Instant issuedAt) {
        return validity.after(issuedAt);
    }

    /**
     * The to-be-signed certificate in lines of {@code field: value}: issuer, subject, names, key,
     * validity and every extension with its criticality.
     */
    public List<String> describe() {
        return new ArrayList<>(description);
    }
}
