package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

import org.bouncycastle.asn1.x509.GeneralName;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.ca.IssuancePlan;
import org.hsmkit.core.ca.IssueRequest;
import org.hsmkit.core.ca.Profile;
import org.hsmkit.core.ca.Validity;
import org.hsmkit.core.internal.ca.CaFiles;
import org.hsmkit.core.internal.ca.CertificateRequests;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit ca issue}: checks each request, shows what would be signed, asks, signs on the
 * token and records in one transaction, then writes the certificate file.
 */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue certificates from PKCS#10 requests under a profile: the request's signature and key are checked,"
            + " the subject and names are shown and must be confirmed (--yes for scripts), then the CA key signs on the token.",
            "Each certificate is recorded in the CA database in the transaction that signs it; the output file is written"
                + " after that (if it is lost, 'hsmkit ca export SERIAL' writes it again).",
            "Profiles: smime, tls-client, tls-server, code-signing, ocsp-signer, sub-ca."})
final class CaIssueCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Option(names = "--profile", required = true, paramLabel = "PROFILE", completionCandidates = ProfileNames.class,
            description = "smime, tls-client, tls-server, code-signing, ocsp-signer or sub-ca")
    String profile;

    /** The profile names for the missing-option hint and shell completion. */
    static final class ProfileNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Profile.values()).map(Profile::cliName).iterator();
        }
    }

    @Option(names = "--validity", paramLabel = "PERIOD", description = "1y, 6m, 90d … (default: certificate.validity in ca.conf, 1y)")
    String validity;

    @Option(names = "--san", split = ",", paramLabel = "TYPE:VALUE",
            description = "subject alternative names to add: email:a@b, dns:host, ip:192.0.2.1, uri:…; comma-separated or repeated")
    List<String> sans = new ArrayList<>();

    @Option(names = "--path-length", paramLabel = "N", description = "sub-ca only: how many CAs may follow below it (default 0)")
    Integer pathLength;

    @Option(names = "--yes", description = "issue without asking (for scripts); the plan is still printed unless -q")
    boolean yes;

    @Option(names = "--dry-run", description = "check the request and print the to-be-signed certificate; sign nothing (no PIN needed)")
    boolean dryRun;

    @Option(names = "--chain", description = "append the CA's chain (chain.pem) to the certificate file")
    boolean chain;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the certificate (PEM); default: standard output; one request only")
    String output;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "write NAME.crt for each NAME.csr into DIR")
    String outputDir;

    @Parameters(arity = "1..*", paramLabel = "REQ.csr", description = "PKCS#10 requests, PEM or DER ('-': one from standard input)")
    List<String> requests;

    CaIssueCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Path dir = ca.resolve(session);
        Profile p = Profile.parse(profile);
        Optional<Validity> v = Optional.ofNullable(validity).map(Validity::parse);
        List<GeneralName> extra = sans.isEmpty() ? List.of() : List.of(KeyCsrCommand.parseSans(sans).getNames());
        if (output != null && outputDir != null) {
            throw new HsmkitException(ErrorKind.USAGE, "-o and --output-dir exclude each other", "give one of them");
        }
        if (requests.size() > 1 && output != null) {
            throw new HsmkitException(ErrorKind.USAGE, "-o names one file, but " + requests.size() + " requests were given",
                    "use --output-dir DIR for several requests");
        }
        if (requests.contains("-") && (requests.size() > 1 || outputDir != null)) {
            throw new HsmkitException(ErrorKind.USAGE, "standard input ('-') is one request alone, written to -o FILE or standard output",
                    requests.size() > 1 ? "give '-' alone, or name files only" : "name the certificate with -o FILE instead of --output-dir");
        }
        List<IssueRequest> items = new ArrayList<>();
        List<Path> inputs = new ArrayList<>();
        for (String r : requests) {
            boolean stdin = "-".equals(r);
            Path in = stdin ? null : session.context().resolve(r);
            if (in != null) {
                inputs.add(in);
            }
            items.add(new IssueRequest(stdin ? CertificateRequests.read(session.context().stdin(), "standard input") : CertificateRequests.read(in),
                    stdin ? "standard input" : r, p, v, extra, Optional.ofNullable(pathLength)));
        }
        if (dryRun) {
            try (CertificateAuthority authority = CertificateAuthority.openRecords(dir)) {
                for (IssueRequest item : items) {
                    authority.plan(item).describe().forEach(new PrintableLines(session.context().stdout())::println);
                    session.context().stdout().println();
                }
            }
            session.info("hsmkit: dry run: nothing was signed or recorded");
            return ExitCode.OK;
        }
        List<Path> targets = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Path t = inputs.isEmpty() ? target(null) : target(inputs.get(i));
            if (t != null) {
                AtomicOutput.checkTarget(t, session.forced(), inputs.toArray(Path[]::new));
            }
            targets.add(t);
        }
        try (CertificateAuthority authority = CaCommand.open(session, dir)) {
            for (int i = 0; i < items.size(); i++) {
                IssuancePlan plan = authority.plan(items.get(i));
                if (!confirmed(plan)) {
                    session.info("hsmkit: not issued: " + plan.requestName());
                    continue;
                }
                try (AtomicOutput out = targets.get(i) == null ? session.output(null, false)
                        : AtomicOutput.toFile(targets.get(i), session.forced(), inputs.toArray(Path[]::new))) {
                    X509Certificate cert = authority.issue(plan);
                    write(authority, cert, out);
                    session.info("hsmkit: issued " + CertificateRequests.serialText(cert.getSerialNumber()) + " to "
                            + plan.subject() + " (" + plan.profile() + ", until " + cert.getNotAfter().toInstant() + ")"
                            + (targets.get(i) == null ? "" : " -> " + session.context().workingDirectory().relativize(targets.get(i).toAbsolutePath())));
                }
            }
            OptionalLong uses = authority.key().orElseThrow().usesLeft();
            if (uses.isPresent()) {
                session.info("hsmkit: the CA key has " + uses.getAsLong() + " signature(s) left");
            }
            return ExitCode.OK;
        }
    }

    private Path target(Path input) {
        if (outputDir != null) {
            String name = input.getFileName().toString();
            String base = name.endsWith(".csr") || name.endsWith(".req") || name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
            return session.context().resolve(outputDir).resolve(base + ".crt");
        }
        return output == null || output.equals("-") ? null : session.context().resolve(output);
    }

    private boolean confirmed(IssuancePlan plan) {
        if (yes) {
            if (!session.quiet()) {
                summary(plan).forEach(new PrintableLines(session.context().stderr())::println);
            }
            return true;
        }
        summary(plan).forEach(new PrintableLines(session.context().stderr())::println);
        return session.confirm("Issue this " + plan.profile() + " certificate?",
                "pass --yes to issue without asking, after checking the request with --dry-run");
    }

    private static List<String> summary(IssuancePlan plan) {
        List<String> lines = new ArrayList<>();
        lines.add("request:  " + plan.requestName() + " (" + plan.keyDescription() + ", signature verified)");
        lines.add("subject:  " + plan.subject());
        lines.add("names:    " + (plan.subjectAlternativeNames().isEmpty() ? "-" : String.join(", ", plan.subjectAlternativeNames())));
        lines.add("profile:  " + plan.profile() + ", valid " + plan.validity());
        return lines;
    }

    /** Writes the recorded certificate; a failure here leaves the record, and says how to get the file again. */
    private void write(CertificateAuthority authority, X509Certificate cert, AtomicOutput out) {
        List<Object> pem = new ArrayList<>();
        pem.add(cert);
        if (chain) {
            pem.addAll(authority.chain());
        }
        try {
            try (OutputStream s = out.stream()) {
                CaFiles.writePem(s, pem);
            }
            out.commit();
        } catch (IOException | HsmkitException e) {
            throw new HsmkitException(ErrorKind.IO, "issued " + CertificateRequests.serialText(cert.getSerialNumber())
                    + " (recorded in the CA database) but could not write it: " + e.getMessage(),
                    "write it again with 'hsmkit ca export " + CertificateRequests.serialText(cert.getSerialNumber()) + " -o FILE'", e);
        }
    }
}
