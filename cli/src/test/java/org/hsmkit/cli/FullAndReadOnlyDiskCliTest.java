package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Writing onto a file system that fills up (a 1 MiB tmpfs) or is read-only: an I/O error (exit 5)
 * that says so, and nothing at all left on that file system. The CLI runs in its own process
 * inside a private mount namespace ({@code unshare --user --map-root-user --mount}, which needs no
 * privileges where user namespaces are allowed), so the small file system exists for it alone.
 * Where unshare is refused, OutputFailureCliTest's file size limit ({@code ulimit -f}) stands in.
 */
class FullAndReadOnlyDiskCliTest {
    @TempDir
    static Path dir;
    static CmsCliFixture cli;

    @BeforeAll
    static void fixture() throws Exception {
        assumeTrue(ExternalTool.run(dir, null, Map.of(), List.of("unshare", "--user", "--map-root-user", "--mount", "true")).exitCode() == 0,
                "unshare into a user and mount namespace is not allowed here");
        cli = new CmsCliFixture(dir);
        cli.write("big.bin", 3 << 20, 7);
        assertEquals(0, cli.run("encrypt", "-r", "alice-rsa2048.pem", "-o", "big.p7m", "big.bin").exit());
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            byte[] filler = new byte[3 << 20];
            new java.util.Random(3).nextBytes(filler);
            page.getCOSObject().setItem(COSName.getPDFName("HsmkitFiller"),
                    new PDStream(doc, new java.io.ByteArrayInputStream(filler), COSName.FLATE_DECODE));
            doc.save(dir.resolve("big.pdf").toFile());
        }
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("alice@hsmkit.test"));
        m.setSubject("big");
        m.setText("y".repeat(76).concat("\r\n").repeat(40_000), "US-ASCII");
        m.saveChanges();
        try (OutputStream out = Files.newOutputStream(dir.resolve("big.eml"))) {
            m.writeTo(out);
        }
    }

    @ParameterizedTest(name = "{0} onto a {1} file system")
    @CsvSource({
        "encrypt -r bob-p256.pem -o OUT big.bin,          full",
        "decrypt -o OUT big.p7m,                          full",
        "sign --key alice-rsa2048 --attached -o OUT big.bin, full",
        "pdf sign --key alice-rsa2048 -o OUT big.pdf,     full",
        "smime sign --key alice-rsa2048 -o OUT big.eml,   full",
        "encrypt -r bob-p256.pem -o OUT big.bin,          read-only",
        "pdf sign --key alice-rsa2048 -o OUT big.pdf,     read-only",
        "smime sign --key alice-rsa2048 -o OUT big.eml,   read-only",
    })
    void anIoErrorAndNothingLeft(String command, String kind) throws Exception {
        Path mount = Files.createTempDirectory(dir, "mnt");
        Path listing = dir.resolve(mount.getFileName() + ".listing");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder cmd = new StringBuilder("mount -t tmpfs -o size=1m" + (kind.equals("read-only") ? ",ro" : "") + " tmpfs '" + mount
                + "' || exit 99; '" + java + "' -XX:-UsePerfData -cp '" + System.getProperty("java.class.path")
                + "' org.hsmkit.cli.Main -t 'soft:" + cli.tokenFile + "' --pin-env " + CmsCliFixture.PIN_VAR);
        for (String a : command.split(" ")) {
            cmd.append(" '").append(a.equals("OUT") ? mount.resolve("out").toString() : a).append("'");
        }
        cmd.append("; rc=$?; ls -A '").append(mount).append("' > '").append(listing).append("'; exit $rc");
        List<String> argv = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "bash", "-c", cmd.toString()));
        ExternalTool.Result r = ExternalTool.run(dir, null, Map.of(CmsCliFixture.PIN_VAR, CmsCliFixture.PASSPHRASE), argv);
        assertEquals(5, r.exitCode(), r.stderr());
        assertTrue(r.stderr().startsWith("hsmkit: error: "), r.stderr());
        assertEquals("", Files.readString(listing), "left on the " + kind + " file system");
    }
}
