package org.hsmkit.fuzz;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * PDFBox's own log, off for the PDF targets: it reports every repair of a damaged file through
 * java.util.logging, millions of lines in a campaign, written at the cost of executions. The CLI
 * turns it off in the same way.
 */
final class PdfBoxLogging {
    /** Held: java.util.logging keeps its loggers only weakly, and a new one would log again. */
    private static final Logger PDFBOX = Logger.getLogger("org.apache.pdfbox");

    private PdfBoxLogging() {
    }

    static void off() {
        PDFBOX.setLevel(Level.OFF);
    }
}
