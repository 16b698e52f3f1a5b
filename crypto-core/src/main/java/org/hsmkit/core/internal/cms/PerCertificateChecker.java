package org.hsmkit.core.internal.cms;

import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Set;

/** A path rule that looks at each certificate of the path alone, in either direction, keeping no state. */
abstract class PerCertificateChecker extends PKIXCertPathChecker {
    @Override
    public final void init(boolean forward) {
        // stateless
    }

    @Override
    public final boolean isForwardCheckingSupported() {
        return true;
    }

    @Override
    public final Set<String> getSupportedExtensions() {
        return null;
    }

    @Override
    public final void check(Certificate cert, Collection<String> unresolvedCritExts) throws CertPathValidatorException {
        check((X509Certificate) cert);
    }

    /** Throws when {@code cert} breaks the rule. */
    abstract void check(X509Certificate cert) throws CertPathValidatorException;
}
