package org.hsmkit.cli;

import picocli.CommandLine.Option;

/** Options of smime sign and sign-encrypt. */
final class SmimeSignOptions {
    @Option(names = "--opaque", description = "sign as application/pkcs7-mime signed-data instead of multipart/signed")
    boolean opaque;

    @Option(names = "--chain", paramLabel = "CERTFILE",
            description = "intermediate CA certificates to include when the token holds only the key's own certificate")
    java.util.List<String> chain = new java.util.ArrayList<>();

    @Option(names = "--pss", description = "sign with RSA-PSS instead of PKCS#1 v1.5 (RSA keys)")
    boolean pss;
}
