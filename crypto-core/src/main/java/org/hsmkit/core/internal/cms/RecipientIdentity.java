package org.hsmkit.core.internal.cms;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The ways a recipient entry can name a key: the certificate's issuer and serial number, the
 * certificate's subject key identifier, or the SHA-1 of the public key (what hsmkit and openssl
 * write for keys without a certificate).
 */
public record RecipientIdentity(IssuerAndSerialNumber issuerAndSerial, List<byte[]> keyIds) {

    /** {@code publicKey} in Bouncy Castle form, and its certificate if known. */
    public static RecipientIdentity of(PublicKey publicKey, Optional<X509Certificate> cert) {
        List<byte[]> ids = new ArrayList<>();
        ids.add(RecipientKeys.subjectKeyIdentifier(publicKey));
        cert.flatMap(RecipientKeys::skiExtension).ifPresent(ids::add);
        return new RecipientIdentity(cert.map(RecipientKeys::issuerAndSerial).orElse(null), List.copyOf(ids));
    }

    public static RecipientIdentity of(X509Certificate cert) {
        X509Certificate bc = RecipientKeys.toBc(cert);
        return of(RecipientKeys.toBc(bc.getPublicKey()), Optional.of(bc));
    }

    /** Only a key identifier (as given on a command line). */
    public static RecipientIdentity ofKeyId(byte[] keyId) {
        return new RecipientIdentity(null, List.of(keyId.clone()));
    }

    public boolean matches(IssuerAndSerialNumber ias) {
        return issuerAndSerial != null && issuerAndSerial.getSerialNumber().getValue().equals(ias.getSerialNumber().getValue())
                && X500Name.getInstance(issuerAndSerial.getName()).equals(X500Name.getInstance(ias.getName()));
    }

    public boolean matches(byte[] subjectKeyIdentifier) {
        return keyIds.stream().anyMatch(id -> Arrays.equals(id, subjectKeyIdentifier));
    }

    public boolean matches(RecipientEntries.Entry e) {
        return (e.ski() != null && matches(e.ski())) || (e.issuerAndSerial() != null && matches(e.issuerAndSerial()));
    }
}
