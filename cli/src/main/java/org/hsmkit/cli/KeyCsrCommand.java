package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hsmkit key csr}: a PKCS#10 request signed on the token. The signature is checked against
 * the key's public key before anything is written.
 */
@Command(name = "csr", mixinStandardHelpOptions = true,
        description = {"Make a certificate signing request (PKCS#10, PEM) for a key on the token, signed there.",
            "The request's signature is verified before it is written."})
final class KeyCsrCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;

    @Mixin
    SubjectOptions holder = new SubjectOptions();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the request to FILE (default: standard output)")
    String output;

    @Option(names = "--digest", paramLabel = "HASH", completionCandidates = DigestNames.class,
            converter = DigestConverter.class,
            description = "sha256, sha384 or sha512 (default: as strong as the key: SHA-384 for 384-bit curves, SHA-512 for 512/521-bit curves, else SHA-256)")
    DigestAlgorithm digest;

    @Option(names = "--pss", description = "sign with RSA-PSS instead of PKCS#1 v1.5 (RSA keys)")
    boolean pss;

    KeyCsrCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        X500Name name = holder.name();
        GeneralNames altNames = holder.altNames();
        try (AtomicOutput out = session.output(output, false)) {
            TokenKey k = session.tokenFor(key).key(key);
            JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(name, k.publicKey());
            if (altNames != null) {
                ExtensionsGenerator ext = new ExtensionsGenerator();
                ext.addExtension(Extension.subjectAlternativeName, false, altNames);
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            PKCS10CertificationRequest csr = builder.build(k.contentSigner(scheme(k), digest == null ? digestFor(k) : digest));
            requireValidSignature(csr, k);
            try (Writer w = new OutputStreamWriter(out.stream(), StandardCharsets.US_ASCII);
                    JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(csr);
            }
            out.commit();
            session.info("hsmkit: wrote a CSR for " + KeyCommand.describe(k) + (output == null || "-".equals(output) ? "" : " to " + output));
        }
        return ExitCode.OK;
    }

    private SignatureScheme scheme(TokenKey k) {
        if (pss && !k.type().isRsa()) {
            throw new HsmkitException(ErrorKind.USAGE, "--pss applies to RSA keys; the " + KeyCommand.describe(k) + " signs with ECDSA",
                    "leave out --pss");
        }
        return pss ? SignatureScheme.RSA_PSS : SignatureScheme.defaultFor(k.type());
    }

    /** A hash as strong as the key (what CAs expect for P-384 and P-521 keys). */
    static DigestAlgorithm digestFor(TokenKey k) {
        return DigestAlgorithm.forKey(k.type());
    }

    /** Accepts sha256, sha-256, SHA384, ... */
    static final class DigestConverter implements ITypeConverter<DigestAlgorithm> {
        @Override
        public DigestAlgorithm convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace("-", "");
            for (DigestAlgorithm d : DigestAlgorithm.values()) {
                if (d.name().toLowerCase(Locale.ROOT).equals(v)) {
                    return d;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a supported hash: use sha256, sha384 or sha512");
        }
    }

    /** The hash names for shell completion. */
    static final class DigestNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(DigestAlgorithm.values()).map(d -> d.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }

    private static void requireValidSignature(PKCS10CertificationRequest csr, TokenKey k) {
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Providers.bc()).build(k.publicKey()))) {
                throw HsmkitException.key("the token's signature on the CSR does not verify with the key's public key",
                        "the token may hold a different public key for '" + k.label() + "'; check with 'hsmkit key list'");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot verify the CSR signature: " + e.getMessage(), null, e);
        }
    }

    /** RFC 4514-style "CN=a,O=b" (kept in the order written) or OpenSSL's "/O=b/CN=a". */
    static X500Name parseSubject(String text) {
        String dn = text.strip();
        if (dn.startsWith("/")) {
            StringBuilder b = new StringBuilder();
            for (String rdn : dn.substring(1).split("(?<!\\\\)/")) {
                if (rdn.isEmpty()) {
                    continue;
                }
                int eq = rdn.indexOf('=');
                String value = eq < 0 ? rdn : rdn.substring(eq + 1).replace("\\/", "/").replace(",", "\\,");
                b.append(b.length() == 0 ? "" : ",").append(eq < 0 ? rdn : rdn.substring(0, eq + 1) + value);
            }
            dn = b.toString();
        }
        try {
            X500Name name = new X500Name(BCStyle.INSTANCE, dn);
            if (name.getRDNs().length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return name;
        } catch (RuntimeException e) {
            throw new HsmkitException(ErrorKind.USAGE, "'" + text + "' is not a distinguished name",
                    "write it like --subject 'CN=Alice,O=Example,C=DE'");
        }
    }

    static GeneralNames parseSans(List<String> items) {
        List<GeneralName> names = new ArrayList<>();
        for (String item : items) {
            String s = item.strip();
            int colon = s.indexOf(':');
            String kind = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : s.substring(colon + 1).strip();
            int tag = switch (kind) {
                case "email" -> GeneralName.rfc822Name;
                case "dns" -> GeneralName.dNSName;
                case "ip" -> GeneralName.iPAddress;
                case "uri" -> GeneralName.uniformResourceIdentifier;
                default -> -1;
            };
            if (tag < 0 || value.isEmpty()) {
                throw new HsmkitException(ErrorKind.USAGE, "'" + item + "' is not a subject alternative name",
                        "use email:ADDRESS, dns:HOST, ip:ADDRESS or uri:URI, e.g. --san email:alice@example.org,dns:example.org");
            }
            try {
                names.add(new GeneralName(tag, value));
            } catch (IllegalArgumentException e) {
                throw new HsmkitException(ErrorKind.USAGE, "'" + value + "' is not a valid " + kind + " name",
                        kind.equals("ip") ? "write an IPv4 or IPv6 address, e.g. ip:192.0.2.10 or ip:2001:db8::10"
                                : "check the spelling of --san " + item);
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }
}
