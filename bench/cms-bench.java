// Times CmsEncryptor and CmsDecryptor in one JVM on small payloads with the key on a PKCS#11 token
// (bench/cms.sh runs it). Usage: java -cp CLASSPATH bench/cms-bench.java MODULE TOKEN_LABEL COUNT SIZE
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.cms.CmsDecryptor;
import org.hsmkit.core.cms.CmsEncryptor;
import org.hsmkit.core.cms.RecipientSet;

public class CmsBench {
    public static void main(String[] a) throws Exception {
        Path module = Path.of(a[0]);
        int count = Integer.parseInt(a[2]);
        int size = Integer.parseInt(a[3]);
        char[] pin = System.getenv("BENCH_PIN").toCharArray();
        byte[] plain = new byte[size];
        new Random(1).nextBytes(plain);
        try (Token token = TokenSpec.parse("pkcs11:token=" + a[1]).open(new TokenOptions(Optional.of(module), PinSource.of(pin), false))) {
            TokenKey key = token.keys().get(0);
            CmsEncryptor encryptor = CmsEncryptor.to(RecipientSet.builder().add(key).build()).build();
            CmsDecryptor decryptor = CmsDecryptor.withKey(key);
            List<byte[]> files = new ArrayList<>(count);
            // round 0 warms the JIT up; round 1 is the one reported
            for (int round = 0; round < 2; round++) {
                int n = round == 0 ? Math.min(200, count) : count;
                files.clear();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 1024);
                    encryptor.encrypt(new ByteArrayInputStream(plain), out);
                    files.add(out.toByteArray());
                }
                long t1 = System.nanoTime();
                for (byte[] f : files) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
                    decryptor.decrypt(new ByteArrayInputStream(f), AtomicOutput.toStream(out));
                    if (out.size() != size) {
                        throw new IllegalStateException("decrypted " + out.size() + " bytes, expected " + size);
                    }
                }
                long t2 = System.nanoTime();
                if (round == 1) {
                    System.out.printf("hsmkit encrypt %d x %d bytes: %.2f s, %.0f ops/s%n", n, size, (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9));
                    System.out.printf("hsmkit decrypt %d x %d bytes: %.2f s, %.0f ops/s%n", n, size, (t2 - t1) / 1e9, n / ((t2 - t1) / 1e9));
                }
            }
        }
    }
}
