package org.hsmkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.pdf.ValidationDataSources;

import picocli.CommandLine.Command;

/**
 * {@code hsmkit pdf …}: PAdES signing, extension and verification. Not executable itself: without
 * a subcommand picocli reports a usage error.
 */
@Command(name = "pdf", mixinStandardHelpOptions = true,
        description = "Sign PDFs (PAdES B-B, B-T, B-LT, B-LTA), extend existing signatures, verify what is signed.",
        subcommands = {PdfSignCommand.class, PdfVerifyCommand.class, PdfExtendCommand.class})
final class PdfCommand {
    /**
     * PDFBox tells what it repairs in a damaged file through java.util.logging, on standard error,
     * with its own timestamps ("WARNING: Skipped unexpected dir object …"), between hsmkit's lines;
     * hsmkit says what matters itself ("the cross-reference chain is damaged …"). Held here because
     * the logging framework keeps loggers only weakly, and a level set on a collected one is lost.
     * Set when a pdf command is parsed, so that other commands do not start the logging framework.
     */
    private static final java.util.logging.Logger PDFBOX_LOG = quiet("org.apache.pdfbox");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
        log.setLevel(java.util.logging.Level.OFF);
        return log;
    }

    /** Reads the document password from the first line of a file; null when no file is given. */
    static char[] password(CliSession session, String file) {
        if (file == null) {
            return null;
        }
        Path p = session.context().resolve(file);
        if (!Files.isReadable(p)) {
            throw HsmkitException.input("cannot read the password file " + p, "check the --password-file path");
        }
        char[] pw = PinSource.fromFile(p).pin("PDF password", false);
        return pw;
    }

    /** Parses --digest. */
    static DigestAlgorithm digest(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT).replace("-", "")) {
            case "sha256" -> DigestAlgorithm.SHA256;
            case "sha384" -> DigestAlgorithm.SHA384;
            case "sha512" -> DigestAlgorithm.SHA512;
            default -> throw new HsmkitException(ErrorKind.USAGE, "unknown digest '" + text + "'", "use sha256, sha384 or sha512");
        };
    }

    /** The sources of B-LT validation data from --crl, --ocsp and --offline. */
    static ValidationDataSources validationData(CliSession session, List<String> crls, List<String> ocsps, boolean offline) {
        List<Path> c = new ArrayList<>();
        for (String f : crls) {
            c.add(existing(session, f, "--crl"));
        }
        List<Path> o = new ArrayList<>();
        for (String f : ocsps) {
            o.add(existing(session, f, "--ocsp"));
        }
        return new ValidationDataSources(!offline, c, o);
    }

    static Path existing(CliSession session, String file, String option) {
        Path p = session.context().resolve(file);
        if (!Files.isRegularFile(p)) {
            throw HsmkitException.input(file + " (" + option + ") does not exist", "check the path");
        }
        return p;
    }

    /** IN.pdf → IN-SUFFIX.pdf beside it. */
    static Path defaultOutput(Path in, String suffix) {
        String name = in.getFileName().toString();
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") ? name.substring(0, name.length() - 4) : name;
        return in.resolveSibling(base + "-" + suffix + ".pdf");
    }

    static void clear(char[] secret) {
        if (secret != null) {
            java.util.Arrays.fill(secret, '\0');
        }
    }
}
