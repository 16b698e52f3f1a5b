package org.hsmkit.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an independent program (openssl, gpgsm, pdfsig, softhsm2-util, ...) for a test. A missing
 * program fails the test with the package to install: the test command installs them, so a skip
 * would hide a broken setup.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    /** What a finished program left behind. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Throws with the program's stderr unless it exited 0. */
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("exit code " + exitCode + "; stderr:\n" + stderr + "\nstdout:\n"
                        + new String(stdout, StandardCharsets.UTF_8));
            }
            return this;
        }
    }

    /** Fails unless {@code program} is on the PATH. */
    public static Path require(String program, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(program + " is not installed; the test command installs it (apt-get install "
                + debianPackage + ")");
    }

    public static Result run(Path workDir, String... command) {
        return run(workDir, null, Map.of(), List.of(command));
    }

    /**
     * Runs a program with optional standard input and extra environment, waiting at most two
     * minutes.
     */
    public static Result run(Path workDir, byte[] stdin, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // the program may exit without reading its input
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
