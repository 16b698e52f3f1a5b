package org.hsmkit.core.internal;

import java.security.cert.X509Certificate;
import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.KeyIds;

/** A token key shown with a certificate kept outside its token; see {@link TokenKey#withCertificate}. */
public final class CertifiedKey extends ForwardingKey {
    private final List<X509Certificate> chain;

    private CertifiedKey(TokenKey key, X509Certificate certificate) {
        super(key);
        this.chain = List.of(certificate);
    }

    public static TokenKey of(TokenKey key, X509Certificate certificate) {
        if (!KeyIds.sameKey(key.publicKey(), certificate.getPublicKey())) {
            throw HsmkitException.key("the certificate " + NameFormat.format(certificate.getSubjectX500Principal())
                    + " is not the certificate of key '" + key.label() + "' (it holds another public key)",
                    "give the certificate issued for this key, or name the key the certificate belongs to");
        }
        // the token's own chain, issuers included, when it already holds this very certificate
        return key.certificate().filter(certificate::equals).isPresent() ? key : new CertifiedKey(key, certificate);
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return chain;
    }
}
