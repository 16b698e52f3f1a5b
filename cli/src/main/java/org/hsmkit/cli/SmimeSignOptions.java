package org.hsmkit.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of smime sign and sign-encrypt. */
final class SmimeSignOptions {
    @Option(names = "--opaque", description = "sign as application/pkcs7-mime signed-data instead of multipart/signed")
    boolean opaque;

    @Mixin
    ChainOption chain = new ChainOption();

    @Option(names = "--pss", description = "sign with RSA-PSS instead of PKCS#1 v1.5 (RSA keys)")
    boolean pss;
}
