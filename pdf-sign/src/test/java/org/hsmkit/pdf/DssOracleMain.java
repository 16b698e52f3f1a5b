package org.hsmkit.pdf;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import eu.europa.esig.dss.diagnostic.DiagnosticData;
import eu.europa.esig.dss.diagnostic.SignatureWrapper;
import eu.europa.esig.dss.diagnostic.TimestampWrapper;
import eu.europa.esig.dss.enumerations.TimestampType;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.ExternalResourcesCRLSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;

/**
 * The EU DSS validator in a JVM of its own (with the Bouncy Castle version DSS is built on).
 * Argument: the trusted root certificate. Reads lines {@code PDF<TAB>CRL,CRL|-[<TAB>PASSWORD]} and answers each
 * with {@code VERDICT<TAB>indications<TAB>formats<TAB>errors<TAB>details} (comma/semicolon separated; see
 * {@link #details}).
 */
public final class DssOracleMain {
    private DssOracleMain() {
    }

    /**
     * Per signature and document time-stamp: {@code field|indication|subIndication|intact|undefinedChanges},
     * where intact means the signature value and the signed data digest both check, and
     * undefinedChanges counts the object modifications after it that DSS does not classify as
     * signing, form filling, annotation or extension changes.
     */
    private static List<String> details(Reports reports) {
        List<String> out = new ArrayList<>();
        DiagnosticData dd = reports.getDiagnosticData();
        SimpleReport sr = reports.getSimpleReport();
        for (SignatureWrapper s : dd.getSignatures()) {
            out.add(detail(s.getFirstFieldName(), sr.getIndication(s.getId()), sr.getSubIndication(s.getId()),
                    s.isSignatureIntact() && s.isSignatureValid(), s.getPdfUndefinedChanges().size()));
        }
        for (TimestampWrapper t : dd.getTimestampList()) {
            if (t.getType() == TimestampType.DOCUMENT_TIMESTAMP && t.getPDFRevision() != null) {
                out.add(detail(t.getPDFRevision().getFirstFieldName(), sr.getIndication(t.getId()), sr.getSubIndication(t.getId()),
                        t.isSignatureIntact() && t.isMessageImprintDataIntact(), t.getPDFRevision().getPdfUndefinedChanges().size()));
            }
        }
        return out;
    }

    private static String detail(String field, Object indication, Object subIndication, boolean intact, int undefined) {
        return String.join("|", String.valueOf(field).replaceAll("[|;\\t]", "_"), String.valueOf(indication),
                subIndication == null ? "" : subIndication.toString(), String.valueOf(intact), String.valueOf(undefined));
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
                Reports reports = v.validateDocument();
                SimpleReport sr = reports.getSimpleReport();
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
                out.println("VERDICT\t" + String.join(",", ind) + "\t" + String.join(",", fmt) + "\t" + String.join(";", err) + "\t"
                        + String.join(";", details(reports)));
            } catch (Exception e) {
                out.println("VERDICT\t\t\tDSS failed: " + String.valueOf(e).replace('\t', ' ').replace('\n', ' ') + "\t\t");
            }
        }
    }
}
