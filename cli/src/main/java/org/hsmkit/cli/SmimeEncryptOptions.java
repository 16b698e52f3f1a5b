package org.hsmkit.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** Options of smime encrypt and sign-encrypt. */
final class SmimeEncryptOptions {
    @Option(names = {"-r", "--recipient"}, paramLabel = "CERTFILE", description = "recipient certificate (PEM, DER or PKCS#7 bundle; of a chain, the end entity's); repeat for more")
    List<String> recipients = new ArrayList<>();

    @Option(names = "--cipher", paramLabel = "CIPHER", defaultValue = "aes256-gcm",
            description = "aes256-gcm (default, AuthEnvelopedData) or aes256-cbc (EnvelopedData, for Thunderbird/Outlook)")
    String cipher;

    @Option(names = "--rsa-padding", paramLabel = "PADDING", defaultValue = "oaep", description = "oaep (default) or pkcs1, for RSA recipients")
    String rsaPadding;

    @Option(names = "--no-self", description = "do not add your own key as a recipient")
    boolean noSelf;

    @Option(names = "--compress", description = "compress the content before encrypting (RFC 3274)")
    boolean compress;
}
