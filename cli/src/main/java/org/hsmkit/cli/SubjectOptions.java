package org.hsmkit.cli;

import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralNames;

import picocli.CommandLine.Option;

/** {@code --subject} and {@code --san} of the commands that name a key's holder: {@code key csr} and {@code key self-cert}. */
final class SubjectOptions {
    @Option(names = "--subject", required = true, paramLabel = "DN",
            description = "subject, e.g. 'CN=Alice,O=Example,C=DE' (OpenSSL's '/C=DE/O=Example/CN=Alice' works too)")
    String subject;

    @Option(names = "--san", split = ",", paramLabel = "TYPE:VALUE",
            description = "subject alternative names: email:a@b, dns:host, ip:192.0.2.1, uri:https://…; comma-separated or repeated")
    List<String> sans = new ArrayList<>();

    /** The subject; a usage error when it is no distinguished name. */
    X500Name name() {
        return KeyCsrCommand.parseSubject(subject);
    }

    /** The alternative names, or null when none were given; a usage error for a malformed one. */
    GeneralNames altNames() {
        return sans.isEmpty() ? null : KeyCsrCommand.parseSans(sans);
    }
}
