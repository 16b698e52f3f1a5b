package org.hsmkit.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch directories for targets that read or write files; removed when the JVM exits. */
final class Scratch {
    private Scratch() {
    }

    static Path directory(String name) {
        try {
            Path d = Files.createTempDirectory("hsmkit-fuzz-" + name + "-");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
