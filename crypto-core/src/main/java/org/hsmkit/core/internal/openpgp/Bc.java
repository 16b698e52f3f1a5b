package org.hsmkit.core.internal.openpgp;

import java.security.SecureRandom;

import org.bouncycastle.openpgp.api.OpenPGPImplementation;
import org.bouncycastle.openpgp.api.jcajce.JcaOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.KeyFingerPrintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.hsmkit.core.internal.Providers;

/** The Bouncy Castle OpenPGP objects hsmkit shares: made once, on first use. */
public final class Bc {
    private Bc() {
    }

    private static final class Lazy {
        static final OpenPGPImplementation IMPLEMENTATION = new JcaOpenPGPImplementation(Providers.bc(), new SecureRandom());
    }

    public static OpenPGPImplementation implementation() {
        return Lazy.IMPLEMENTATION;
    }

    public static KeyFingerPrintCalculator fingerprints() {
        return new JcaKeyFingerprintCalculator();
    }
}
