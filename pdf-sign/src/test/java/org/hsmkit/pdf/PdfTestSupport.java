package org.hsmkit.pdf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.hsmkit.testdata.responders.PkiResponders;

/** Shared fixtures: one set of loopback responders per test JVM, corpus files, independent checkers. */
final class PdfTestSupport {
    private static PkiResponders responders;

    private PdfTestSupport() {
    }

    static synchronized PkiResponders responders() {
        if (responders == null) {
            responders = PkiResponders.start();
            Runtime.getRuntime().addShutdownHook(new Thread(responders::close));
        }
        return responders;
    }

    static TestPki pki() {
        return responders().pki();
    }

    static TokenKey key(TestUser user) {
        TestPki.Credential c = pki().user(user);
        return SoftKey.of(c.privateKey(), c.chain(), user.fileName());
    }

    /** A file of the real-world corpus kept unmodified in testdata (see its README), read in place. */
    static Path corpus(String name) {
        for (Path base : List.of(Path.of("../testdata/src/main/resources/pdf-corpus"), Path.of("testdata/src/main/resources/pdf-corpus"),
                Path.of("../../shared/pdf-corpus"))) {
            Path p = base.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("corpus file " + name + " not found");
    }

    /**
     * {@code pdfbox-sign_me.pdf} signed into {@code out} as many other tools sign: adbe.pkcs7.detached,
     * Bouncy Castle's default signed attributes (with signing-time), {@code algorithm} such as
     * SHA384withECDSA, the signer's chain in the CMS.
     */
    static Path signedByOtherSoftware(Path out, String algorithm, TestPki.Credential signer) throws Exception {
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(corpus("pdfbox-sign_me.pdf").toFile());
             java.io.OutputStream file = Files.newOutputStream(out)) {
            var sig = new org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature();
            sig.setFilter(org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
            sig.setSignDate(java.util.Calendar.getInstance());
            doc.addSignature(sig);
            var ext = doc.saveIncrementalForExternalSigning(file);
            byte[] content;
            try (java.io.InputStream in = ext.getContent()) {
                content = in.readAllBytes();
            }
            var gen = new org.bouncycastle.cms.CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(
                    new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(algorithm).build(signer.privateKey()),
                            signer.certificate()));
            gen.addCertificates(new org.bouncycastle.cert.jcajce.JcaCertStore(signer.chain()));
            ext.setSignature(gen.generate(new org.bouncycastle.cms.CMSProcessableByteArray(content), false).getEncoded());
        }
        return out;
    }

    static PdfVerifier verifier() {
        return PdfVerifier.trusting(List.of(pki().root().certificate()));
    }

    /** Runs poppler's pdfsig and returns its output. */
    static String pdfsig(Path pdf) {
        ExternalTool.require("pdfsig", "poppler-utils");
        ExternalTool.Result r = ExternalTool.run(pdf.getParent(), "pdfsig", pdf.toString());
        return r.stdoutText() + r.stderr();
    }

    /** pdfsig on an encrypted file. */
    static String pdfsigWithPassword(Path pdf, String ownerPassword) {
        ExternalTool.require("pdfsig", "poppler-utils");
        ExternalTool.Result r = ExternalTool.run(pdf.getParent(), "pdfsig", "-opw", ownerPassword, pdf.toString());
        return r.stdoutText() + r.stderr();
    }

    /**
     * Asserts that pdfsig lists {@code count} signatures, that every CAdES/PKCS#7 one is valid, and,
     * when the last revision is a signature or document time-stamp, that it covers the whole
     * document. pdfsig cannot validate ETSI.RFC3161 document time-stamps ("unknown" type); those
     * are only counted.
     */
    static void assertPdfsigAccepts(Path pdf, int count, boolean lastRevisionSigned) {
        String out = pdfsig(pdf);
        String[] blocks = java.util.Arrays.stream(out.split("Signature #"))
                .filter(b -> !b.contains("The signature form field is not signed.")).toArray(String[]::new);
        assertTrue(blocks.length - 1 == count, "pdfsig should list " + count + " signatures:\n" + out);
        for (int i = 1; i < blocks.length; i++) {
            String b = blocks[i];
            if (b.contains("Signature Type: unknown")) {
                continue;
            }
            assertTrue(b.contains("Signature Validation: Signature is Valid."), "pdfsig, signature #" + i + ":\n" + out);
        }
        if (lastRevisionSigned) {
            assertTrue(blocks[blocks.length - 1].contains("Total document signed"),
                    "pdfsig: the last signature should cover the whole document\n" + out);
        }
    }

    static void assertPdfsigAccepts(Path pdf, int count) {
        assertPdfsigAccepts(pdf, count, true);
    }
}
