package org.hsmkit.core.internal.openpgp;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;

import org.hsmkit.core.internal.Providers;

/**
 * A provider that answers with the JDK's SunJCE where it has the algorithm and with Bouncy Castle
 * otherwise. SEIPD v2 with GCM needs both in one provider: Bouncy Castle's OpenPGP code takes one,
 * and the key derivation (HKDF) exists only in Bouncy Castle while the JDK's AES-GCM uses the CPU's
 * AES and carry-less multiply instructions. The implementations are the providers' own; this one
 * only routes.
 */
public final class JdkThenBcProvider extends Provider {
    private static final long serialVersionUID = 1L;

    private static final class Lazy {
        static final JdkThenBcProvider INSTANCE = new JdkThenBcProvider();
    }

    private JdkThenBcProvider() {
        super("hsmkit-jdk-then-bc", "1.0", "SunJCE where it has the algorithm, else Bouncy Castle");
    }

    public static Provider instance() {
        return Lazy.INSTANCE;
    }

    @Override
    public synchronized Service getService(String type, String algorithm) {
        Provider jdk = Security.getProvider("SunJCE");
        Service s = jdk == null ? null : jdk.getService(type, algorithm);
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
