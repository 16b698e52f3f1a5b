package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.DataObject;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsmkit data write|read|list|delete} on SoftHSM2 (pkcs11-tool is the independent reader and
 * writer) and the refusals, each with its exit code and nothing written.
 */
class DataCommandTest {
    static SoftHsmToken hsm;

    @TempDir
    Path tmp;

    @BeforeAll
    static void token() {
        hsm = SoftHsmToken.create("cli-data");
    }

    @AfterAll
    static void done() {
        hsm.close();
    }

    CliRun.Result hsmkit(String... args) {
        return CliRun.in(tmp).run(onToken(args));
    }

    static String[] onToken(String... args) {
        List<String> all = new ArrayList<>(List.of("-t", hsm.uri(), "--module", hsm.module().toString(),
                "--pin-file", hsm.pinFile().toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void aVeraCryptKeyfileFromTheTokensGeneratorNeverTouchesTheDisk() throws Exception {
        CliRun.Result w = hsmkit("data", "write", "--random", "64", "--label", "veracrypt").assertOk();
        assertTrue(w.stderr().contains("stored the private data object 'veracrypt' (64 bytes from the token's generator)"), w.stderr());
        assertEquals("", w.stdout());
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "nothing written to the working directory");
        }
        hsm.pkcs11Tool("--read-object", "--type", "data", "--label", "veracrypt", "--output-file", tmp.resolve("tool.bin").toString());
        byte[] byTool = Files.readAllBytes(tmp.resolve("tool.bin"));
        assertEquals(64, byTool.length);
        hsmkit("data", "read", "--label", "veracrypt", "-o", "keyfile").assertOk();
        assertArrayEquals(byTool, Files.readAllBytes(tmp.resolve("keyfile")));
    }

    @Test
    void aFileWrittenByPkcs11ToolIsListedAndReadToStandardOutput() throws Exception {
        Files.writeString(tmp.resolve("note.txt"), "from pkcs11-tool\n");
        hsm.pkcs11Tool("--write-object", tmp.resolve("note.txt").toString(), "--type", "data", "--label", "tool-note",
                "--application-label", "notes");
        CliRun.Result read = hsmkit("data", "read", "--label", "tool-note").assertOk();
        assertEquals("from pkcs11-tool\n", read.stdout());
        String list = hsmkit("data", "list").assertOk().stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("tool-note +notes +17 +public")), list);
        String json = hsmkit("data", "list", "--json").assertOk().stdout();
        assertTrue(json.replaceAll("\\s", "").contains("{\"label\":\"tool-note\",\"application\":\"notes\",\"size\":17,\"private\":false}"), json);
    }

    @Test
    void aFileAndStandardInputAreStoredAndDeleteNeedsYesWithoutATerminal() throws Exception {
        Files.write(tmp.resolve("secret.bin"), new byte[] {1, 2, 3});
        hsmkit("data", "write", "--label", "from-file", "secret.bin").assertOk();
        CliRun.in(tmp).withStdin(new byte[] {9, 8}).run(onToken("data", "write", "--label", "from-stdin", "--public", "-")).assertOk();
        String list = hsmkit("data", "list").assertOk().stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("from-file +- +3 +private")), list);
        assertTrue(list.lines().anyMatch(l -> l.matches("from-stdin +- +2 +public")), list);

        CliRun.Result refused = hsmkit("data", "delete", "--label", "from-file").assertExit(ExitCode.USAGE);
        assertTrue(refused.hintLine().contains("--yes"), refused.stderr());
        assertTrue(hsmkit("data", "list").stdout().contains("from-file"));
        hsmkit("data", "delete", "--label", "from-file", "--yes").assertOk();
        assertFalse(hsmkit("data", "list").stdout().contains("from-file"));
    }

    @Test
    void refusalsSayWhatToDoAndWriteNothing() throws Exception {
        hsmkit("data", "write", "--random", "16", "--label", "taken").assertOk();
        CliRun.Result dup = hsmkit("data", "write", "--random", "16", "--label", "taken").assertExit(ExitCode.KEY);
        assertTrue(dup.errorLine().contains("a data object labelled 'taken' exists"), dup.stderr());

        Files.write(tmp.resolve("big.bin"), new byte[DataObject.MAX_SIZE + 1]);
        CliRun.Result big = hsmkit("data", "write", "--label", "big", "big.bin").assertExit(ExitCode.INPUT);
        assertTrue(big.errorLine().contains("larger than a data object can hold"), big.stderr());
        assertFalse(hsmkit("data", "list").stdout().contains("big"));

        CliRun.Result both = hsmkit("data", "write", "--random", "8", "--label", "x", "big.bin").assertExit(ExitCode.USAGE);
        assertTrue(both.errorLine().contains("give either FILE or --random N"), both.stderr());
        hsmkit("data", "write", "--label", "nothing").assertExit(ExitCode.USAGE);
        hsmkit("data", "write", "--random", "0", "--label", "zero").assertExit(ExitCode.USAGE);

        CliRun.Result missing = hsmkit("data", "read", "--label", "absent", "-o", "out.bin").assertExit(ExitCode.KEY);
        assertTrue(missing.errorLine().contains("no data object labelled 'absent'"), missing.stderr());
        assertTrue(missing.hintLine().contains("hsmkit data list"), missing.stderr());
        assertFalse(Files.exists(tmp.resolve("out.bin")), "no output after a failure");

        // a missing label is named before any question about deleting it (here: before --yes is asked for)
        CliRun.Result deleteMissing = hsmkit("data", "delete", "--label", "absent").assertExit(ExitCode.KEY);
        assertTrue(deleteMissing.errorLine().contains("no data object labelled 'absent'"), deleteMissing.stderr());
    }
}
