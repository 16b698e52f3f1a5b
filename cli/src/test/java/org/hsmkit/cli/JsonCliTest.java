package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --json: one parseable document on standard output per run, for reports, batch summaries and errors (docs/json.md). */
class JsonCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void fixture() {
        cli = new CmsCliFixture(dir);
    }

    private static JsonNode json(CmsCliFixture.Result r) throws Exception {
        return JSON.readTree(r.stdout());
    }

    @Test
    void keyListAndTokenInfo() throws Exception {
        CmsCliFixture.Result keys = cli.run("--json", "key", "list");
        assertEquals(0, keys.exit(), keys.stderr());
        JsonNode list = json(keys).get("keys");
        assertEquals(2, list.size());
        assertTrue(list.findValuesAsText("label").contains("alice-rsa2048"), keys.out());
        assertTrue(list.get(0).get("certificate").asText().startsWith("CN="), keys.out());
        CmsCliFixture.Result info = cli.run("token", "info", "--json");
        assertEquals(0, info.exit(), info.stderr());
        assertEquals("soft", json(info).get("kind").asText());
    }

    @Test
    void inspectAndVerifyReports() throws Exception {
        cli.write("doc.txt", 300, 1);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-r", "bob-p256.pem", "doc.txt").exit());
        JsonNode inspected = json(cli.run("inspect", "--json", "doc.txt.p7m"));
        assertEquals(2, inspected.get("recipients").size());
        assertEquals("AuthEnvelopedData", inspected.get("contentType").asText());
        assertEquals(0, cli.run("sign", "--key", "alice-rsa2048", "doc.txt").exit());
        CmsCliFixture.Result v = cli.run("verify", "--json", "--trust", "root.pem", "doc.txt.p7s");
        assertEquals(0, v.exit(), v.stderr());
        JsonNode report = json(v);
        assertTrue(report.get("valid").asBoolean());
        assertTrue(report.get("signers").get(0).get("signer").asText().contains("Alice"), v.out());
    }

    @Test
    void errorsAreDocumentsToo() throws Exception {
        CmsCliFixture.Result missing = cli.run("--json", "decrypt", "nothing.p7m");
        assertEquals(ExitCode.INPUT, missing.exit());
        JsonNode error = json(missing).get("error");
        assertEquals("INPUT", error.get("kind").asText());
        assertEquals("the input nothing.p7m does not exist", error.get("message").asText());
        assertEquals("check the path", error.get("hint").asText());
        assertTrue(missing.stderr().startsWith("hsmkit: error: "), missing.stderr());
        CmsCliFixture.Result usage = cli.run("encrypt", "--json", "--no-such-option", "x");
        assertEquals(ExitCode.USAGE, usage.exit());
        assertEquals("USAGE", json(usage).get("error").get("kind").asText());
    }

    @Test
    void aBatchSummaryListsEveryFile() throws Exception {
        cli.write("b1.bin", 10, 1);
        CmsCliFixture.Result r = cli.run("--json", "encrypt", "-r", "bob-p256.pem", "b1.bin", "b2-missing.bin");
        assertEquals(ExitCode.INPUT, r.exit(), r.stderr());
        JsonNode summary = json(r);
        assertEquals(4, summary.get("exitCode").asInt());
        assertEquals(1, summary.get("done").asInt());
        assertEquals("ok", summary.get("files").get(0).get("status").asText());
        assertEquals("b1.bin.p7m", summary.get("files").get(0).get("output").asText());
        assertEquals("INPUT", summary.get("files").get(1).get("error").get("kind").asText());
        assertFalse(summary.get("files").get(1).has("output"), "a failed file names no output");
        assertTrue(Files.exists(dir.resolve("b1.bin.p7m")));

        cli.write("b3.bin", 10, 3);
        CmsCliFixture.Result intoDir = cli.run("--json", "encrypt", "-r", "bob-p256.pem", "--output-dir", "sealed", "b1.bin", "b3.bin");
        assertEquals(0, intoDir.exit(), intoDir.stderr());
        JsonNode files = json(intoDir).get("files");
        for (int i = 0; i < 2; i++) {
            String output = files.get(i).get("output").asText();
            assertEquals(dir.resolve("sealed").resolve(files.get(i).get("input").asText() + ".p7m").toString(), output);
            assertTrue(Files.exists(Path.of(output)), output);
        }
    }

    @Test
    void aBatchOfVerificationsCarriesEachReport() throws Exception {
        cli.write("s1.txt", 10, 1);
        cli.write("s2.txt", 10, 2);
        assertEquals(0, cli.run("sign", "--key", "bob-p256", "s1.txt", "s2.txt").exit());
        CmsCliFixture.Result r = cli.run("verify", "--json", "--trust", "root.pem", "s1.txt.p7s", "s2.txt.p7s");
        assertEquals(0, r.exit(), r.stderr());
        JsonNode files = json(r).get("files");
        assertEquals("s2.txt.p7s", files.get(1).get("input").asText());
        assertTrue(files.get(1).get("report").get("valid").asBoolean(), r.out());
    }
}
