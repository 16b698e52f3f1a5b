package org.hsmkit.core.ca;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import org.hsmkit.core.HsmkitException;

/**
 * A CA's configuration, kept in {@code ca.conf} in its directory ({@code name = value} lines, {@code #}
 * comments) and read at every command, so editing the file changes what later certificates and
 * CRLs carry.
 *
 * @param token the token selector the CA key is on ({@code soft}, {@code soft:PATH} or a PKCS#11
 *        URI), empty to use whatever the caller selects
 * @param module the PKCS#11 module, empty for the usual search
 * @param key the CA key's reference on that token (label or PKCS#11 URI)
 * @param crlUrl where the CRL is published: goes into the CRL distribution points extension
 * @param ocspUrl the OCSP responder: goes into the authority information access extension
 * @param issuerUrl where the CA certificate is published (AIA caIssuers)
 * @param crlValidity how long a CRL is current (its next update); default 7 days
 * @param ocspValidity how long an OCSP response is current (its next update); default 1 day
 * @param certificateValidity the default validity of issued certificates; default 1 year
 */
public record CaSettings(Optional<String> token, Optional<String> module, String key, Optional<String> crlUrl,
        Optional<String> ocspUrl, Optional<String> issuerUrl, Validity crlValidity, Validity ocspValidity,
        Validity certificateValidity) {

    /** The configuration file's name in a CA directory. */
    public static final String FILE = "ca.conf";

    public CaSettings {
        token = blankless(token);
        module = blankless(module);
        crlUrl = blankless(crlUrl);
        ocspUrl = blankless(ocspUrl);
        issuerUrl = blankless(issuerUrl);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("key");
        }
        crlValidity = crlValidity == null ? new Validity(7, 'd') : crlValidity;
        ocspValidity = ocspValidity == null ? new Validity(1, 'd') : ocspValidity;
        certificateValidity = certificateValidity == null ? new Validity(1, 'y') : certificateValidity;
    }

    private static Optional<String> blankless(Optional<String> v) {
        return v == null ? Optional.empty() : v.map(String::strip).filter(s -> !s.isEmpty());
    }

    /**
     * Reads {@code DIR/ca.conf}.
     *
     * @throws HsmkitException INPUT when the directory is not a CA or the file is malformed
     */
    public static CaSettings read(Path dir) {
        Path file = dir.resolve(FILE);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw HsmkitException.input(dir + " is not a certificate authority (it has no " + FILE + ")",
                    "give the CA's directory with --ca DIR, or make one with 'hsmkit ca init'");
        } catch (IOException | IllegalArgumentException e) {
            throw HsmkitException.input("cannot read " + file + ": " + e.getMessage(), "fix or restore the file");
        }
        String key = p.getProperty("key");
        if (key == null || key.isBlank()) {
            throw HsmkitException.input(file + " names no CA key (key = ...)", "add the line 'key = LABEL-OR-PKCS11-URI'");
        }
        try {
            return new CaSettings(opt(p, "token"), opt(p, "module"), key.strip(), opt(p, "crl.url"), opt(p, "ocsp.url"),
                    opt(p, "issuer.url"), validity(p, "crl.next-update"), validity(p, "ocsp.next-update"),
                    validity(p, "certificate.validity"));
        } catch (HsmkitException e) {
            throw HsmkitException.input("in " + file + ": " + e.getMessage(), e.hint().orElse(null));
        }
    }

    private static Optional<String> opt(Properties p, String name) {
        return Optional.ofNullable(p.getProperty(name));
    }

    private static Validity validity(Properties p, String name) {
        String v = p.getProperty(name);
        return v == null || v.isBlank() ? null : Validity.parse(v);
    }

    /** The file's text: every setting with a comment saying what it does. */
    String text() {
        StringBuilder b = new StringBuilder();
        b.append("# hsmkit certificate authority: read by every 'hsmkit ca' command in this directory.\n");
        b.append("# The CA key: its token (-t overrides), PKCS#11 module (--module overrides) and reference.\n");
        b.append("token = ").append(escape(token.orElse(""))).append('\n');
        b.append("module = ").append(escape(module.orElse(""))).append('\n');
        b.append("key = ").append(escape(key)).append('\n');
        b.append("# URLs written into issued certificates (empty: left out).\n");
        b.append("crl.url = ").append(escape(crlUrl.orElse(""))).append('\n');
        b.append("ocsp.url = ").append(escape(ocspUrl.orElse(""))).append('\n');
        b.append("issuer.url = ").append(escape(issuerUrl.orElse(""))).append('\n');
        b.append("# Periods: a number and y (years), m (months), d (days) or h (hours).\n");
        b.append("crl.next-update = ").append(crlValidity).append('\n');
        b.append("ocsp.next-update = ").append(ocspValidity).append('\n');
        b.append("certificate.validity = ").append(certificateValidity).append('\n');
        return b.toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\");
    }
}
