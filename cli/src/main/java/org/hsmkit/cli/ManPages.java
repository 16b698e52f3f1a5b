package org.hsmkit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages (troff, section 1) written from the picocli model the CLI runs on: {@code hsmkit.1}
 * and one page per command ({@code hsmkit-pdf-sign.1}), so that they cannot differ from
 * {@code --help}. Picocli's own generator writes AsciiDoc, which needs Asciidoctor to become a
 * man page; this writes the man page itself.
 */
final class ManPages {
    private ManPages() {
    }

    /** Writes the pages of {@code root} and every subcommand into {@code dir}; returns the files written. */
    static List<Path> write(CommandLine root, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        write(root, dir, written);
        return written;
    }

    private static void write(CommandLine cl, Path dir, List<Path> written) throws IOException {
        CommandSpec spec = cl.getCommandSpec();
        if (!spec.usageMessage().hidden()) {
            Path file = dir.resolve(spec.qualifiedName("-") + ".1");
            Files.writeString(file, page(cl), StandardCharsets.UTF_8);
            written.add(file);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getParent() == cl && sub.getCommandName().equals(sub.getCommandSpec().name())) {
                write(sub, dir, written);
            }
        }
    }

    static String page(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        StringBuilder m = new StringBuilder();
        String title = spec.qualifiedName("-");
        String[] description = spec.usageMessage().description();
        String version = spec.root().version().length > 0 ? spec.root().version()[0] : "";
        m.append(".TH \"").append(escape(title.toUpperCase(java.util.Locale.ROOT))).append("\" 1 \"\" \"").append(escape(version))
                .append("\" \"hsmkit manual\"\n");
        m.append(".SH NAME\n").append(escape(title)).append(" \\- ")
                .append(escape(description.length > 0 ? CommandLine.Help.Ansi.OFF.string(description[0]) : "")).append('\n');
        m.append(".SH SYNOPSIS\n.nf\n").append(escape(cl.getHelp().synopsis(0).strip())).append("\n.fi\n");
        m.append(".SH DESCRIPTION\n");
        for (String line : description) {
            m.append(escape(CommandLine.Help.Ansi.OFF.string(line))).append('\n');
        }
        if (!spec.positionalParameters().isEmpty()) {
            m.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                m.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n').append(escape(String.join(" ", p.description())))
                        .append('\n');
            }
        }
        if (!spec.options().isEmpty()) {
            m.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                m.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    m.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
                }
                m.append('\n').append(escape(String.join(" ", o.description()).replace("${DEFAULT-VALUE}",
                        String.valueOf(o.defaultValue())))).append('\n');
            }
        }
        if (!cl.getSubcommands().isEmpty()) {
            m.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
                CommandSpec s = e.getValue().getCommandSpec();
                if (s.usageMessage().hidden() || !e.getKey().equals(s.name())) {
                    continue;
                }
                String[] d = s.usageMessage().description();
                m.append(".TP\n.B ").append(escape(e.getKey())).append('\n')
                        .append(escape(d.length > 0 ? d[0] : "")).append(" See \\fB").append(escape(s.qualifiedName("-")))
                        .append("\\fR(1).\n");
            }
        }
        m.append(".SH EXIT STATUS\n");
        ExitCode.descriptions().forEach((code, meaning) -> m.append(".TP\n.B ").append(code).append('\n').append(escape(meaning)).append('\n'));
        if (spec.parent() == null) {
            m.append(".SH ENVIRONMENT\n.nf\n");
            for (String line : spec.usageMessage().footer()) {
                m.append(escape(line)).append('\n');
            }
            m.append(".fi\n");
        } else {
            m.append(".SH SEE ALSO\n\\fBhsmkit\\fR(1)\n");
        }
        return m.toString();
    }

    /** Escapes troff's control characters: backslashes, and a dot or quote starting a line. */
    private static String escape(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder b = new StringBuilder();
        for (String line : e.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return b.toString();
    }
}
