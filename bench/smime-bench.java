// Times hsmkit S/MIME in one JVM with a key on a PKCS#11 token (bench/smime.sh runs it).
// Usage: java -cp CLASSPATH bench/smime-bench.java MODULE TOKEN_LABEL P12 P12_PASSWORD CA_PEM COUNT SIZE [ROUNDS]
// One warm-up round, then ROUNDS (default 5) measured rounds of COUNT messages each way; prints each
// round and the medians. A mail application's JVM is warm: in the first rounds after start-up the
// heap is still growing (each new page is faulted in) and the compilers are still busy, and with
// 1 MB messages the first round after a 50-message warm-up varied by up to 3x between runs.
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.smime.Smime;
import org.hsmkit.smime.SmimeEncryptor;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;
import org.hsmkit.smime.SmimeSigner;

public class SmimeBench {
    public static void main(String[] a) throws Exception {
        Path module = Path.of(a[0]);
        String label = a[1];
        Path p12 = Path.of(a[2]);
        char[] p12Password = a[3].toCharArray();
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(Path.of(a[4]))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        int count = Integer.parseInt(a[5]);
        int size = Integer.parseInt(a[6]);
        int rounds = a.length > 7 ? Integer.parseInt(a[7]) : 5;
        char[] pin = System.getenv("BENCH_PIN").toCharArray();

        try (Token token = TokenSpec.parse("pkcs11:token=" + label)
                .open(new TokenOptions(Optional.of(module), PinSource.of(pin), false))) {
            TokenKey key;
            if (token.keys().isEmpty()) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(p12)) {
                    ks.load(in, p12Password);
                }
                String alias = ks.aliases().nextElement();
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : ks.getCertificateChain(alias)) {
                    chain.add((X509Certificate) c);
                }
                key = token.importKey((PrivateKey) ks.getKey(alias, p12Password), chain, "bench", new byte[] {1});
            } else {
                key = token.keys().get(0);
            }
            Session session = Session.getInstance(new Properties());
            String email = "bench@hsmkit.test";
            char[] line = new char[76];
            Arrays.fill(line, 'x');
            StringBuilder body = new StringBuilder();
            while (body.length() < size) {
                body.append(line).append("\r\n");
            }
            body.setLength(size);

            SmimeSigner signer = SmimeSigner.builder(key).build();
            SmimeEncryptor encryptor = SmimeEncryptor.builder().recipient(key.certificate().orElseThrow()).build();
            SmimeReader reader = SmimeReader.builder().trustAnchors(List.of(ca)).decryptWith(key).build();

            List<byte[]> produced = new ArrayList<>(count);
            List<Double> write = new ArrayList<>();
            List<Double> read = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                produced.clear();
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    MimeMessage m = new MimeMessage(session);
                    m.setFrom(new InternetAddress(email));
                    m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(email));
                    m.setSubject("bench " + i);
                    m.setText(body.toString(), "us-ascii");
                    ByteArrayOutputStream out = new ByteArrayOutputStream(size * 2);
                    Smime.signAndEncrypt(m, signer, encryptor).writeTo(out);
                    produced.add(out.toByteArray());
                }
                long t1 = System.nanoTime();
                for (byte[] b : produced) {
                    SmimeReport r = reader.read(new MimeMessage(session, new ByteArrayInputStream(b)));
                    if (!r.verified()) {
                        throw new IllegalStateException("did not verify: " + r.problems());
                    }
                }
                long t2 = System.nanoTime();
                if (round > 0) {
                    write.add((t1 - t0) / 1e9);
                    read.add((t2 - t1) / 1e9);
                    System.out.printf("hsmkit round %d: sign+encrypt %.1f msgs/s, decrypt+verify %.1f msgs/s%n",
                            round, count / write.get(write.size() - 1), count / read.get(read.size() - 1));
                }
            }
            double w = median(write);
            double r = median(read);
            System.out.printf("hsmkit sign+encrypt   %d msgs of %d bytes: %.2f s, %.1f msgs/s (median of %d rounds)%n", count, size, w, count / w, rounds);
            System.out.printf("hsmkit decrypt+verify %d msgs of %d bytes: %.2f s, %.1f msgs/s (median of %d rounds)%n", count, size, r, count / r, rounds);
        }
    }

    private static double median(List<Double> seconds) {
        List<Double> sorted = new ArrayList<>(seconds);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
