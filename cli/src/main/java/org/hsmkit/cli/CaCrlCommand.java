package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.X509CRL;
import java.util.List;
import java.util.concurrent.Callable;

import org.bouncycastle.cert.jcajce.JcaX509CRLHolder;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.ca.CertificateAuthority;
import org.hsmkit.core.internal.ca.CaFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hsmkit ca crl}: a new CRL, signed on the token. */
@Command(name = "crl", mixinStandardHelpOptions = true,
        description = {"Sign a new CRL: every revoked certificate that has not expired, with its reason, the next CRL number,"
            + " and the next update from crl.next-update in ca.conf (default 7d). Publish it where --crl-url points.",
            "The CRL is also kept in the CA database; 'hsmkit ca ocsp-serve' serves the newest at /ca.crl."})
final class CaCrlCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    CaCommand.DirectoryOption ca;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the CRL to FILE (default: standard output)")
    String output;

    @Option(names = "--pem", description = "PEM instead of DER")
    boolean pem;

    CaCrlCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        try (AtomicOutput out = session.output(output, !pem);
                CertificateAuthority authority = CaCommand.open(session, ca.resolve(session))) {
            X509CRL crl = authority.crl();
            try (OutputStream s = out.stream()) {
                if (pem) {
                    CaFiles.writePem(s, List.of(new JcaX509CRLHolder(crl)));
                } else {
                    s.write(crl.getEncoded());
                }
            } catch (java.security.cert.CRLException e) {
                throw HsmkitException.io("cannot encode the CRL: " + e.getMessage(), e);
            }
            out.commit();
            session.info("hsmkit: CRL number " + crlNumber(crl) + " with " + (crl.getRevokedCertificates() == null ? 0
                    : crl.getRevokedCertificates().size()) + " revoked certificate(s), next update " + crl.getNextUpdate().toInstant());
            return ExitCode.OK;
        }
    }

    private static String crlNumber(X509CRL crl) {
        byte[] ext = crl.getExtensionValue(org.bouncycastle.asn1.x509.Extension.cRLNumber.getId());
        if (ext == null) {
            return "?";
        }
        return org.bouncycastle.asn1.ASN1Integer.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getValue().toString();
    }
}
