package org.hsmkit.cli;

import java.io.PrintStream;

import org.hsmkit.core.NameFormat;

/**
 * Text lines for a terminal or a log, each with its control characters (C0, DEL, C1, bidirectional
 * overrides) escaped as {@link NameFormat#printable} writes them. Reports and messages carry text
 * from files — a PDF field name, an e-mail address in a certificate, a file name from a glob — and
 * such text must not start a line of its own ("integrity: intact"), move the cursor or reorder
 * what is shown. JSON output needs none of this: the JSON writer escapes it.
 */
final class PrintableLines {
    private final PrintStream out;

    PrintableLines(PrintStream out) {
        this.out = out;
    }

    /** {@code line} and a line end; an embedded line end is shown as {@code \0A}. */
    void println(String line) {
        out.println(NameFormat.printable(line));
    }

    void println() {
        out.println();
    }

    /** One line on {@code out}, as {@link #println(String)} writes it. */
    static void println(PrintStream out, String line) {
        out.println(NameFormat.printable(line));
    }
}
