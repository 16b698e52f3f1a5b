// A long run through the library on one PKCS#11 token (bench/soak.sh runs it): mixed operations
// from several threads, with throughput and memory reported as it goes.
// Usage: java -cp CLASSPATH bench/soak-bench.java MODULE TOKEN_LABEL PIN OPERATIONS THREADS
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;

public class SoakBench {
    public static void main(String[] a) throws Exception {
        Path module = Path.of(a[0]);
        String label = a[1];
        char[] pin = a[2].toCharArray();
        long operations = Long.parseLong(a[3]);
        int threads = Integer.parseInt(a[4]);
        long window = Math.max(1, operations / 10);
        try (Token token = TokenSpec.parse("pkcs11:token=" + label).open(new TokenOptions(Optional.of(module), PinSource.of(pin), false))) {
            TokenKey ec = token.generateKey(KeyType.EC_P256, "soak-ec", null);
            TokenKey rsa = token.generateKey(KeyType.RSA_2048, "soak-rsa", null);
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            c.init(Cipher.ENCRYPT_MODE, rsa.publicKey());
            byte[] wrapped = c.doFinal(secret);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair peer = g.generateKeyPair();
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(peer.getPrivate());
            ka.doPhase(ec.publicKey(), true);
            byte[] shared = ka.generateSecret();

            System.out.printf("%d operations (ECDSA P-256 sign + verify, RSA-2048 OAEP decrypt, ECDH P-256, RSA-2048 PKCS#1 sign)"
                    + " from %d threads on one token%n", operations, threads);
            System.out.printf("%10s %9s %10s %9s %11s%n", "done", "seconds", "ops/s", "RSS MB", "heap MB");
            long rssStart = rssKb();
            long heapStart = heapAfterGc();
            AtomicLong done = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            long start = System.nanoTime();
            long[] windowStart = {start};
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    SecureRandom random = new SecureRandom();
                    byte[] digest = new byte[32];
                    while (true) {
                        long n = done.getAndIncrement();
                        if (n >= operations) {
                            return null;
                        }
                        boolean ok;
                        switch ((int) (n % 4)) {
                            case 0 -> {
                                random.nextBytes(digest);
                                Signature v = Signature.getInstance("NONEwithECDSA");
                                v.initVerify(ec.publicKey());
                                v.update(digest);
                                ok = v.verify(ec.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest));
                            }
                            case 1 -> ok = Arrays.equals(secret, rsa.decrypt(RsaPadding.OAEP_SHA1, wrapped));
                            case 2 -> ok = Arrays.equals(shared, ec.agree((ECPublicKey) peer.getPublic()));
                            default -> ok = rsa.signDigest(SignatureScheme.RSA_PKCS1, DigestAlgorithm.SHA256, digest).length == 256;
                        }
                        if (!ok) {
                            failures.incrementAndGet();
                        }
                        if ((n + 1) % window == 0) {
                            report(n + 1, start, windowStart, window);
                        }
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("total: %d operations in %.1f s, %.0f ops/s, %d failed checks%n", operations, seconds, operations / seconds,
                    failures.get());
            System.out.printf("RSS: %d MB at the start, %d MB at the end; heap after GC: %d MB at the start, %d MB at the end%n",
                    rssStart / 1024, rssKb() / 1024, heapStart >> 20, heapAfterGc() >> 20);
            if (failures.get() > 0) {
                System.exit(1);
            }
        }
    }

    private static synchronized void report(long n, long start, long[] windowStart, long window) {
        long now = System.nanoTime();
        System.out.printf("%10d %9.1f %10.0f %9d %11d%n", n, (now - start) / 1e9, window / ((now - windowStart[0]) / 1e9), rssKb() / 1024,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        windowStart[0] = now;
    }

    private static long heapAfterGc() {
        System.gc();
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            // not Linux: no figure
        }
        return 0;
    }
}
