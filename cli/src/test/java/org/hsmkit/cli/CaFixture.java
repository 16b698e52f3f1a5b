package org.hsmkit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SoftHsmToken;

/**
 * What the CA tests share: CA keys on a SoftHSM2 token, certificate requests made by
 * {@code openssl req} (an independent requester, with its own key files), and openssl as the
 * independent judge of what the CA issues.
 */
final class CaFixture {
    private CaFixture() {
    }

    /** Global options selecting the SoftHSM2 token with its module and PIN file. */
    static List<String> onToken(SoftHsmToken hsm, String... args) {
        List<String> all = new ArrayList<>(List.of("-t", hsm.uri(), "--module", hsm.module().toString(),
                "--pin-file", hsm.pinFile().toString()));
        all.addAll(List.of(args));
        return all;
    }

    /**
     * A request made by openssl with a fresh key: {@code NAME.csr} and {@code NAME.key} in
     * {@code dir}. {@code key} is an openssl -newkey argument ({@code ec}, {@code rsa:2048});
     * {@code addext} are -addext values such as {@code subjectAltName=email:a@b}.
     */
    static Path request(Path dir, String name, String key, String subject, String... addext) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-new", "-nodes", "-subj", subject,
                "-keyout", name + ".key", "-out", name + ".csr"));
        if (key.equals("ec")) {
            cmd.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));
        } else {
            cmd.addAll(List.of("-newkey", key));
        }
        for (String e : addext) {
            cmd.addAll(List.of("-addext", e));
        }
        ExternalTool.run(dir, null, Map.of(), cmd).requireSuccess();
        return dir.resolve(name + ".csr");
    }

    /** A request for another subject with the key of an earlier one ({@code NAME.key}). */
    static Path requestWithKey(Path dir, String name, String keyOf, String subject) {
        ExternalTool.run(dir, "openssl", "req", "-new", "-key", keyOf + ".key", "-subj", subject, "-out", name + ".csr")
                .requireSuccess();
        return dir.resolve(name + ".csr");
    }

    static ExternalTool.Result openssl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        return ExternalTool.run(dir, null, Map.of(), cmd);
    }

    /** {@code openssl x509 -text -noout} of a certificate file. */
    static String text(Path cert) {
        return openssl(cert.getParent(), "x509", "-in", cert.toString(), "-text", "-noout").requireSuccess().stdoutText();
    }

    /** The text after a heading line of {@code openssl x509 -text} (the next line, stripped). */
    static String field(String text, String heading) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).strip().startsWith(heading)) {
                return lines.get(i + 1).strip();
            }
        }
        throw new AssertionError("no '" + heading + "' in:\n" + text);
    }

    static int lines(String text) {
        return (int) text.lines().filter(l -> !l.isBlank()).count();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
