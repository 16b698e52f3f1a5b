package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit random}: bytes from the token's own random number generator (C_GenerateRandom on
 * a PKCS#11 token — the HSM's TRNG, which OpenSSL cannot reach). Drawn and written in chunks, so
 * any size streams in constant memory.
 */
@Command(name = "random", mixinStandardHelpOptions = true,
        description = {"Draw random bytes from the token's random number generator.",
            "hex and base64 end with a newline; raw bytes are refused on a terminal unless -o is given."})
final class RandomCommand implements Callable<Integer> {
    /** Bytes per C_GenerateRandom call: small enough for any card's APDU limits. */
    static final int CHUNK = 1024;

    enum Format {
        HEX, BASE64, RAW
    }

    /** The formats as users type them (lower case), for shell completion. */
    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Format.values()).map(f -> f.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }

    private final CliSession session;

    @Option(names = "--bytes", required = true, paramLabel = "N", description = "how many bytes (at least 1)")
    long bytes;

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = FormatNames.class, defaultValue = "HEX",
            description = "hex (default, lower case), base64, or raw")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE (default: standard output)")
    String output;

    RandomCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        if (bytes < 1) {
            throw new HsmkitException(ErrorKind.USAGE, "--bytes must be at least 1, not " + bytes, "e.g. --bytes 32");
        }
        try (AtomicOutput out = session.output(output, format == Format.RAW)) {
            Token token = session.token();
            OutputStream target = out.stream();
            OutputStream encoded = switch (format) {
                case RAW -> target;
                case BASE64 -> Base64.getEncoder().wrap(target);
                case HEX -> new HexOutput(target);
            };
            byte[] chunk = new byte[CHUNK];
            try {
                for (long left = bytes; left > 0; left -= chunk.length) {
                    if (left < chunk.length) {
                        Arrays.fill(chunk, (byte) 0);
                        chunk = new byte[(int) left];
                    }
                    token.randomBytes(chunk);
                    encoded.write(chunk);
                }
            } finally {
                Arrays.fill(chunk, (byte) 0);
            }
            if (format != Format.RAW) {
                encoded.close(); // writes base64 padding; the AtomicOutput stream only flushes on close
                target.write('\n');
            }
            target.flush();
            out.commit();
            session.info("hsmkit: " + bytes + " random bytes from token '" + token.info().label() + "'"
                    + (output == null || "-".equals(output) ? "" : " written to " + output));
        }
        return ExitCode.OK;
    }

    /** Lower-case hex, streamed. */
    private static final class HexOutput extends OutputStream {
        private final OutputStream out;
        private final HexFormat hex = HexFormat.of();

        HexOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(hex.formatHex(b, off, off + len).getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
