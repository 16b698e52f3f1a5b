package org.hsmkit.cli;

import java.io.PrintStream;

import org.hsmkit.core.NameFormat;
import org.hsmkit.smime.SignatureReport;
import org.hsmkit.smime.SmimeLayer;
import org.hsmkit.smime.SmimeReport;
import org.hsmkit.smime.UnsignedPart;

/** Prints an S/MIME report for people: one block per layer, one line per check. */
final class SmimeReportText {
    private SmimeReportText() {
    }

    static void print(SmimeReport report, PrintStream stream) {
        PrintableLines out = new PrintableLines(stream);
        for (SmimeLayer layer : report.layers()) {
            out.println("part " + layer.path() + ": " + describe(layer.kind()) + " (" + layer.algorithm() + ")");
            for (SignatureReport s : layer.signatures()) {
                out.println("  signer:       " + s.signerName());
                s.signer().map(c -> NameFormat.format(c.getIssuerX500Principal()))
                        .ifPresent(i -> out.println("  issuer:       " + i));
                out.println("  e-mail:       " + (s.signerEmails().isEmpty() ? "(none)" : String.join(", ", s.signerEmails())));
                out.println("  signing time: " + s.signingTime().map(Object::toString).orElse("(not given)") + " (claimed by the signer)");
                out.println("  algorithm:    " + s.algorithm());
                out.println("  signature:    " + (s.signatureValid() ? "valid" : "INVALID"));
                out.println("  certificate:  " + (s.pathValid() ? "trusted path to an anchor" : "NOT TRUSTED"));
                out.println("  key usage:    " + (s.usageValid() ? "allows e-mail signing" : "DOES NOT ALLOW e-mail signing"));
                out.println("  From match:   " + (s.fromMatches() ? "yes" : "NO"));
                out.println("  revocation:   " + (s.revocationChecked() ? "checked" : "not checked"));
                for (String p : s.problems()) {
                    out.println("  problem:      " + p);
                }
            }
        }
        for (UnsignedPart u : report.unsignedParts()) {
            out.println("part " + u.path() + ": " + u.contentType() + " NOT SIGNED");
        }
        out.println(report.verified() ? "verified: yes" : "verified: NO");
    }

    private static String describe(SmimeLayer.Kind kind) {
        return switch (kind) {
            case SIGNED_DETACHED -> "signed, detached";
            case SIGNED_OPAQUE -> "signed, opaque";
            case ENVELOPED -> "encrypted, EnvelopedData";
            case AUTH_ENVELOPED -> "encrypted, AuthEnvelopedData";
            case COMPRESSED -> "compressed";
        };
    }
}
