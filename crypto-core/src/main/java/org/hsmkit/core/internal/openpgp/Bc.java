package org.hsmkit.core.internal.openpgp;

import java.security.SecureRandom;
import java.util.Iterator;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

import org.bouncycastle.openpgp.api.OpenPGPImplementation;
import org.bouncycastle.openpgp.api.jcajce.JcaOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.KeyFingerPrintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.hsmkit.core.internal.Providers;

/** The Bouncy Castle OpenPGP objects hsmkit shares: made once, on first use. */
public final class Bc {
    private Bc() {
    }

    private static final class WithBc {
        static final OpenPGPImplementation IMPLEMENTATION = new JcaOpenPGPImplementation(Providers.bc(), new SecureRandom());
    }

    private static final class Jdk {
        // not the no-argument constructor: that makes a Bouncy Castle provider
        static final OpenPGPImplementation IMPLEMENTATION = new JcaOpenPGPImplementation(JdkThenBcProvider.instance(), new SecureRandom());
    }

    /**
     * The implementation that checks the signatures of {@code ring}: the JDK's providers when they
     * know every key's algorithm and curve, else Bouncy Castle's provider (whose set-up costs half
     * a second, so it is made only when a key needs it).
     */
    public static OpenPGPImplementation implementationFor(PGPPublicKeyRing ring) {
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext();) {
            if (OpenPgpKeys.needsBc(it.next())) {
                return WithBc.IMPLEMENTATION;
            }
        }
        return Jdk.IMPLEMENTATION;
    }

    public static KeyFingerPrintCalculator fingerprints() {
        return new JcaKeyFingerprintCalculator();
    }
}
