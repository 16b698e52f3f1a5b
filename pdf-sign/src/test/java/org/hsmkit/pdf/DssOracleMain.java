package org.hsmkit.pdf;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.ExternalResourcesCRLSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;

/**
 * The EU DSS validator in a JVM of its own (with the Bouncy Castle version DSS is built on).
 * Argument: the trusted root certificate. Reads lines {@code PDF<TAB>CRL,CRL|-[<TAB>PASSWORD]} and answers each
 * with {@code VERDICT<TAB>indications<TAB>formats<TAB>errors} (comma/semicolon separated).
 */
public final class DssOracleMain {
    private DssOracleMain() {
    }

    public static void main(String[] args) throws Exception {
        CertificateToken root = DSSUtils.loadCertificate(new File(args[0]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] parts = line.split("\t");
            try {
                CommonCertificateVerifier cv = new CommonCertificateVerifier();
                CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
                trusted.addCertificate(root);
                cv.setTrustedCertSources(trusted);
                cv.setAIASource(null);
                cv.setOcspSource(null);
                if (!parts[1].equals("-")) {
                    List<DSSDocument> crls = new ArrayList<>();
                    for (String c : parts[1].split(",")) {
                        crls.add(new FileDocument(c));
                    }
                    cv.setCrlSource(new ExternalResourcesCRLSource(crls.toArray(new DSSDocument[0])));
                } else {
                    cv.setCrlSource(null);
                }
                SignedDocumentValidator v = SignedDocumentValidator.fromDocument(new FileDocument(parts[0]));
                if (parts.length > 2 && v instanceof eu.europa.esig.dss.pades.validation.PDFDocumentValidator pdf) {
                    pdf.setPasswordProtection(parts[2].toCharArray());
                }
                v.setCertificateVerifier(cv);
                SimpleReport sr = v.validateDocument().getSimpleReport();
                List<String> ind = new ArrayList<>();
                List<String> fmt = new ArrayList<>();
                List<String> err = new ArrayList<>();
                for (String id : sr.getSignatureIdList()) {
                    ind.add(String.valueOf(sr.getIndication(id)));
                    fmt.add(String.valueOf(sr.getSignatureFormat(id)));
                    if (sr.getSubIndication(id) != null) {
                        err.add(String.valueOf(sr.getSubIndication(id)));
                    }
                    sr.getAdESValidationErrors(id).forEach(m -> err.add(m.getValue().replace('\t', ' ').replace(';', ',')));
                }
                out.println("VERDICT\t" + String.join(",", ind) + "\t" + String.join(",", fmt) + "\t" + String.join(";", err) + "\t");
            } catch (Exception e) {
                out.println("VERDICT\t\t\tDSS failed: " + String.valueOf(e).replace('\t', ' ').replace('\n', ' ') + "\t");
            }
        }
    }
}
