package org.hsmkit.pdf;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the certificates and revocation data for B-LT come from: OCSP responses and CRLs given as
 * files (DER), used first, and, when {@code online}, the OCSP responders, CRL distribution points
 * and AIA issuer URLs named in the certificates.
 */
public record ValidationDataSources(boolean online, List<Path> crlFiles, List<Path> ocspFiles) {

    public ValidationDataSources {
        crlFiles = crlFiles == null ? List.of() : crlFiles;
        ocspFiles = ocspFiles == null ? List.of() : ocspFiles;
        crlFiles = List.copyOf(crlFiles);
        ocspFiles = List.copyOf(ocspFiles);
    }

    /** Fetch everything from the URLs in the certificates. */
    public static ValidationDataSources fetching() {
        return new ValidationDataSources(true, List.of(), List.of());
    }

    /** Only the given files; nothing is fetched. */
    public static ValidationDataSources offline(List<Path> crlFiles, List<Path> ocspFiles) {
        return new ValidationDataSources(false, crlFiles, ocspFiles);
    }
}
