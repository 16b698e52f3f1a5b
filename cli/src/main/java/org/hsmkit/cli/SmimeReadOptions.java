package org.hsmkit.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options of smime decrypt and verify: the key for encrypted layers, the output, the input. */
final class SmimeReadOptions {
    @Option(names = "--key", paramLabel = "KEY",
            description = "decryption key (PKCS#11 URI or label), tried on the recipient entries that fit it when the message"
                    + " does not name it; default: whichever key on the token is a recipient")
    String key;

    @Mixin
    KeyCertificateOption cert = new KeyCertificateOption();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output .eml (default: standard output)")
    String output;

    @Parameters(paramLabel = "IN.eml", arity = "0..*", description = "the message(s) ('-' for standard input)")
    java.util.List<String> inputs = new java.util.ArrayList<>();
}
