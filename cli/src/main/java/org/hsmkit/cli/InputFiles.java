package org.hsmkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/** Small input files (share files, key backups, certificates of a device chain), read whole with a size limit. */
final class InputFiles {
    private InputFiles() {
    }

    /**
     * Reads {@code name} (resolved against the working directory), refusing a file larger than {@code max} bytes.
     *
     * @throws HsmkitException IO when it cannot be read, INPUT when it is too large
     */
    static byte[] read(CliSession session, String name, int max, String what) {
        Path file = session.context().resolve(name);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) {
                throw HsmkitException.input(name + " is too large for " + what + " (more than " + max + " bytes)",
                        "check that you named the right file");
            }
            return data;
        } catch (NoSuchFileException e) {
            throw new HsmkitException(ErrorKind.IO, "cannot read " + name + ": no such file", "check the file name", e);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + name + ": " + e.getMessage(), e);
        }
    }
}
