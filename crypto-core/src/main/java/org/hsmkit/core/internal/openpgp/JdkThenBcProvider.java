package org.hsmkit.core.internal.openpgp;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;

import org.hsmkit.core.internal.Providers;

/**
 * A provider that answers with the JDK's installed providers where one has the algorithm and with
 * Bouncy Castle otherwise, which it makes only then. Bouncy Castle's OpenPGP code takes one provider:
 * SEIPD v2 with GCM needs both (HKDF exists only in Bouncy Castle while the JDK's AES-GCM uses the
 * CPU's AES and carry-less multiply instructions), and checking the self-signatures of RSA and NIST
 * curve certificates needs only the JDK (SunRsaSign, SunEC, SUN), which spares the half second that
 * setting up Bouncy Castle's provider costs. The implementations are the providers' own; this one
 * only routes.
 */
public final class JdkThenBcProvider extends Provider {
    private static final long serialVersionUID = 1L;

    private static final class Lazy {
        static final JdkThenBcProvider INSTANCE = new JdkThenBcProvider();
    }

    private JdkThenBcProvider() {
        super("hsmkit-jdk-then-bc", "1.0", "the JDK's providers where they have the algorithm, else Bouncy Castle");
    }

    public static Provider instance() {
        return Lazy.INSTANCE;
    }

    @Override
    public synchronized Service getService(String type, String algorithm) {
        Service s = null;
        for (Provider p : Security.getProviders()) {
            s = p.getService(type, algorithm);
            if (s != null) {
                break;
            }
        }
        if (s == null) {
            s = Providers.bc().getService(type, algorithm);
        }
        return s == null ? null : new Routed(this, s);
    }

    /** A service of this provider whose instances come from another provider's service. */
    private static final class Routed extends Service {
        private final Service target;

        Routed(Provider owner, Service target) {
            super(owner, target.getType(), target.getAlgorithm(), target.getClassName(), null, null);
            this.target = target;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return target.newInstance(constructorParameter);
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            return target.supportsParameter(parameter);
        }
    }
}
