package org.hsmkit.cli;

import java.util.ArrayList;
import java.util.List;

import org.hsmkit.pdf.ValidationDataSources;

import picocli.CommandLine.Option;

/** Where {@code pdf sign} and {@code pdf extend} take B-LT validation data from (a picocli mixin). */
final class PdfValidationDataOptions {
    @Option(names = "--crl", paramLabel = "FILE", description = "a CRL (DER) to embed at B-LT/B-LTA instead of fetching; repeatable")
    List<String> crls = new ArrayList<>();

    @Option(names = "--ocsp", paramLabel = "FILE", description = "an OCSP response (DER) to embed at B-LT/B-LTA instead of fetching; repeatable")
    List<String> ocsps = new ArrayList<>();

    @Option(names = "--offline", description = "fetch nothing for B-LT: use only --crl/--ocsp files and the certificates at hand")
    boolean offline;

    @Option(names = "--password-file", paramLabel = "FILE", description = "password of an encrypted PDF, first line of FILE")
    String passwordFile;

    @Option(names = "--digest", paramLabel = "ALG", defaultValue = "sha256", description = "sha256 (default), sha384 or sha512")
    String digest;

    ValidationDataSources sources(CliSession session) {
        return PdfCommand.validationData(session, crls, ocsps, offline);
    }
}
