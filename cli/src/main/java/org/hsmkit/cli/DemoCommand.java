package org.hsmkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.CmsDecryptor;
import org.hsmkit.core.cms.CmsEncryptor;
import org.hsmkit.core.cms.CmsInspector;
import org.hsmkit.core.cms.RecipientSet;
import org.hsmkit.core.internal.ForwardingKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit demo}: the first job end to end on the selected token (the software token by
 * default) — a key, a sample file, encrypt, inspect, decrypt, compare — with timings.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run file encryption end to end on the token, from key to compared result.",
            "Makes (or reuses) the key 'demo-rsa', encrypts a random sample file to it, inspects, decrypts,"
                + " and compares. Works without prompts with --pin-env VAR or --pin-file F."})
final class DemoCommand implements Callable<Integer> {
    static final String LABEL = "demo-rsa";

    private final CliSession session;

    @Option(names = "--size-mib", paramLabel = "N", defaultValue = "4", description = "sample file size in MiB (default 4)")
    int sizeMib;

    @Option(names = "--keep", description = "keep the temporary directory with the sample, encrypted and decrypted files")
    boolean keep;

    DemoCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        if (sizeMib < 0) {
            throw new HsmkitException(ErrorKind.USAGE, "--size-mib " + sizeMib + " is not a size", "give 0 or more MiB");
        }
        PrintStream out = session.context().stdout();
        Token token = session.token();
        long t = System.nanoTime();
        Optional<TokenKey> existing = token.keys().stream().filter(k -> LABEL.equals(k.label())).findFirst();
        TokenKey key = existing.orElseGet(() -> token.generateKey(KeyType.RSA_3072, LABEL, null));
        out.printf(Locale.ROOT, "1. key       %s '%s' on %s (%s) %s%n", key.type(), key.label(), token.info().label(),
                existing.isPresent() ? "found" : "generated", took(t));
        Path dir = Files.createTempDirectory("hsmkit-demo-");
        // Ctrl-C during the demo: finally blocks do not run, a shutdown hook does
        Thread cleanup = new Thread(() -> removeTree(dir), "hsmkit demo clean-up");
        if (!keep) {
            Runtime.getRuntime().addShutdownHook(cleanup);
        }
        try {
            Path sample = dir.resolve("sample.bin");
            t = System.nanoTime();
            byte[] buf = new byte[1 << 20];
            SecureRandom random = new SecureRandom();
            try (OutputStream o = Files.newOutputStream(sample)) {
                for (int i = 0; i < sizeMib; i++) {
                    random.nextBytes(buf);
                    o.write(buf);
                }
            }
            out.printf(Locale.ROOT, "2. sample    %s, %d MiB of random bytes %s%n", sample, sizeMib, took(t));

            Path encrypted = dir.resolve("sample.bin.p7m");
            t = System.nanoTime();
            CmsEncryptor enc = CmsEncryptor.to(RecipientSet.builder().add(key).build()).build();
            try (InputStream in = Files.newInputStream(sample); AtomicOutput o = AtomicOutput.toFile(encrypted, false, sample)) {
                enc.encrypt(in, o.stream());
                o.commit();
            }
            out.printf(Locale.ROOT, "3. encrypt   %s (%d bytes, %s, RSA-OAEP) %s%n", encrypted.getFileName(), Files.size(encrypted),
                    enc.cipher().spec(), took(t));

            t = System.nanoTime();
            try (InputStream in = Files.newInputStream(encrypted)) {
                List<String> lines = CmsInspector.inspect(in).lines();
                out.printf(Locale.ROOT, "4. inspect   %s%n", took(t));
                lines.forEach(l -> out.println("             " + l));
            }

            Path decrypted = dir.resolve("sample.decrypted.bin");
            CountingKey counting = new CountingKey(key);
            t = System.nanoTime();
            try (InputStream in = Files.newInputStream(encrypted); AtomicOutput o = AtomicOutput.toFile(decrypted, false, encrypted)) {
                CmsDecryptor.withKey(counting).decrypt(in, o);
            }
            out.printf(Locale.ROOT, "5. decrypt   %s, %d private-key operation(s) on the token %s%n", decrypted.getFileName(),
                    counting.operations.get(), took(t));

            String a = sha256(sample);
            String b = sha256(decrypted);
            boolean same = a.equals(b);
            out.printf(Locale.ROOT, "6. compare   SHA-256 %s %s %s%n", a.substring(0, 16) + "…", same ? "==" : "!=", b.substring(0, 16) + "…");
            out.println(same ? "demo OK: the decrypted file equals the original" : "demo FAILED: the files differ");
            if (keep) {
                out.println("files kept in " + dir);
            }
            out.flush();
            return same ? 0 : ExitCode.VERIFICATION_FAILED;
        } finally {
            if (!keep) {
                removeTree(dir);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException exiting) {
                    // the hook runs anyway, and finds nothing left
                }
            }
        }
    }

    private static void removeTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException gone) {
            // removed already (by the other of the two clean-ups)
        }
    }

    private static String took(long start) {
        return String.format(Locale.ROOT, "[%.0f ms]", (System.nanoTime() - start) / 1e6);
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Passes everything to the token key and counts the private-key operations, to show there is one. */
    private static final class CountingKey extends ForwardingKey {
        final AtomicInteger operations = new AtomicInteger();

        CountingKey(TokenKey key) {
            super(key);
        }

        @Override
        public byte[] signDigest(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) {
            operations.incrementAndGet();
            return key.signDigest(scheme, digestAlgorithm, digest);
        }

        @Override
        public byte[] decrypt(RsaPadding padding, byte[] ciphertext) {
            operations.incrementAndGet();
            return key.decrypt(padding, ciphertext);
        }

        @Override
        public byte[] agree(ECPublicKey peer) {
            operations.incrementAndGet();
            return key.agree(peer);
        }
    }
}
