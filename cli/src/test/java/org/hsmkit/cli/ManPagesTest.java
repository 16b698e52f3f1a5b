package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** Man pages from the picocli model, and the help texts they are made of. */
class ManPagesTest {
    @TempDir
    Path dir;

    @Test
    void installManWritesAPagePerCommandThatGroffReadsWithoutWarnings() throws Exception {
        CliRun.Result r = CliRun.in(dir).run("install-man", "man1").assertOk();
        assertTrue(r.stderr().contains("man pages into"), r.stderr());
        Path man1 = dir.resolve("man1");
        for (String page : List.of("hsmkit.1", "hsmkit-encrypt.1", "hsmkit-pdf-sign.1", "hsmkit-smime-verify.1", "hsmkit-key-list.1")) {
            assertTrue(Files.isRegularFile(man1.resolve(page)), page);
        }
        String encrypt = Files.readString(man1.resolve("hsmkit-encrypt.1"));
        assertTrue(encrypt.startsWith(".TH \"HSMKIT\\-ENCRYPT\" 1"), encrypt);
        assertTrue(encrypt.contains(".B \\-\\-output\\-dir \\fIDIR\\fR"), encrypt);
        assertTrue(encrypt.contains(".SH EXIT STATUS"), encrypt);
        Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", man1.resolve("hsmkit-encrypt.1").toString(),
                man1.resolve("hsmkit.1").toString()).redirectErrorStream(true).start();
        String warnings = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, groff.waitFor());
        assertEquals("", warnings);
    }

    /**
     * picocli starts each element of a description on a new line, so one that stops mid-sentence
     * leaves a ragged break in {@code --help} and in the man page. Blank and indented elements (an
     * example, a list item) are exempt; a paragraph that introduces them ends with a colon.
     */
    @Test
    void everyParagraphOfEveryCommandsDescriptionEndsASentence() {
        List<String> unfinished = new ArrayList<>();
        everyCommand(root(), cl -> {
            for (String paragraph : cl.getCommandSpec().usageMessage().description()) {
                boolean example = paragraph.isBlank() || Character.isWhitespace(paragraph.charAt(0));
                String end = paragraph.strip();
                if (!example && !end.endsWith(".") && !end.endsWith(":")) {
                    unfinished.add(cl.getCommandSpec().qualifiedName() + ": " + paragraph);
                }
            }
        });
        assertEquals(List.of(), unfinished);
    }

    /** picocli wraps a longer footer line to the first column, out of its table. */
    @Test
    void everyFooterLineFitsTheHelpWidth() {
        List<String> tooLong = new ArrayList<>();
        everyCommand(root(), cl -> {
            for (String line : cl.getCommandSpec().usageMessage().footer()) {
                if (line.length() > cl.getCommandSpec().usageMessage().width()) {
                    tooLong.add(cl.getCommandSpec().qualifiedName() + ": " + line);
                }
            }
        });
        assertEquals(List.of(), tooLong);
    }

    private CommandLine root() {
        return HsmkitCli.create(new CliContext(null, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Map.of(), dir));
    }

    private static void everyCommand(CommandLine cl, java.util.function.Consumer<CommandLine> check) {
        check.accept(cl);
        cl.getSubcommands().values().stream().filter(s -> s.getParent() == cl).forEach(s -> everyCommand(s, check));
    }
}
