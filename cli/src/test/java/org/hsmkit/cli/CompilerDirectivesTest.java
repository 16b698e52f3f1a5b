package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.hsmkit.testdata.ExternalTool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launcher's compiler directives keep the optimising compiler (C2) for bulk-data loops only,
 * and only C2 puts the CPU's AES and SHA instructions (the JDK's intrinsics) into a loop. A loop
 * left out of the directives still works, several times slower, and no other test notices: the
 * JDK's CFB and ECB loops were left out once and OpenPGP ran its AES in Java. So each bulk loop
 * hsmkit runs ({@link BulkLoops}) runs here in a JVM started with the directives, and the
 * compiler's own log must show the intrinsic in use. Skipped where the JVM has that intrinsic off
 * (a CPU without the instructions), as the directives cannot help there.
 */
class CompilerDirectivesTest {
    private static final Path DIRECTIVES = Path.of("src/main/jvm/compiler-directives.json");

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', value = {
        // OpenPGP SEIPD v1: CFB encryption through CBC, decryption with an ECB keystream
        "seipd1-encrypt; CipherBlockChaining::implEncrypt; UseAESIntrinsics",
        "seipd1-decrypt; ElectronicCodeBook::implECBEncrypt|AESCrypt::implEncryptBlock; UseAESIntrinsics",
        // CMS: GCM encryption, GCM decryption's CTR keystream, CBC decryption
        "gcm-encrypt; GHASH::processBlocks|GaloisCounterMode::implGCMCrypt; UseGHASHIntrinsics",
        "ctr; CounterMode::implCrypt|GaloisCounterMode::implGCMCrypt; UseAESCTRIntrinsics",
        "cbc-decrypt; CipherBlockChaining::implDecrypt; UseAESIntrinsics",
        // the MDC of SEIPD v1; the digests of signatures
        "sha1; DigestBase::implCompressMultiBlock0; UseSHA1Intrinsics",
        "sha256; DigestBase::implCompressMultiBlock0; UseSHA256Intrinsics",
    })
    void theLoopRunsWithTheCpusInstructions(String loop, String intrinsic, String flag) {
        ExternalTool.Result run = ExternalTool.run(Path.of("."), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + DIRECTIVES.toAbsolutePath(),
                // compile in the foreground, so that the loop cannot end before its compilation does
                "-Xbatch", "-XX:+PrintIntrinsics", "-XX:+PrintFlagsFinal",
                "-cp", System.getProperty("java.class.path"), BulkLoops.class.getName(), loop);
        String log = run.stdoutText();
        assertEquals(0, run.exitCode(), run.stderr());
        assumeTrue(Pattern.compile("\\b" + flag + "\\s+= true").matcher(log).find(), flag + " is off in this JVM");
        // "(intrinsic)" right after the size; "failed to inline (intrinsic)" means the JVM lacks it
        Pattern used = Pattern.compile("(" + intrinsic + ") \\(\\d+ bytes\\)\\s+\\(intrinsic\\)");
        List<String> lines = log.lines().filter(l -> l.contains("(intrinsic)")).toList();
        assertTrue(lines.stream().anyMatch(l -> used.matcher(l).find()),
                loop + " ran without " + intrinsic + "; the compiler's intrinsics were:\n" + String.join("\n", lines));
    }
}
