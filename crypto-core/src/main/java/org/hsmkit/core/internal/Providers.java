package org.hsmkit.core.internal;

import java.security.Provider;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The Bouncy Castle provider instance hsmkit uses, passed explicitly to JCA calls rather than
 * registered globally, so hsmkit does not change the host application's provider order.
 */
public final class Providers {
    private static final Provider BC = new BouncyCastleProvider();

    private Providers() {
    }

    public static Provider bc() {
        return BC;
    }
}
