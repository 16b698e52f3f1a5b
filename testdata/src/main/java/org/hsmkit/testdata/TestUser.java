package org.hsmkit.testdata;

import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * The end entities of {@link TestPki}: one per key type hsmkit supports, plus a signing-only
 * certificate whose key usage forbids encryption.
 */
public enum TestUser {
    ALICE_RSA2048("alice-rsa2048", "Alice RSA-2048", "alice@hsmkit.test", 2048, null, KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment),
    ANDY_RSA3072("andy-rsa3072", "Andy RSA-3072", "andy@hsmkit.test", 3072, null, KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment),
    AMY_RSA4096("amy-rsa4096", "Amy RSA-4096", "amy@hsmkit.test", 4096, null, KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment),
    BOB_P256("bob-p256", "Bob P-256", "bob@hsmkit.test", 0, "secp256r1", KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyAgreement),
    CAROL_P384("carol-p384", "Carol P-384", "carol@hsmkit.test", 0, "secp384r1", KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyAgreement),
    DAVE_P521("dave-p521", "Dave P-521", "dave@hsmkit.test", 0, "secp521r1", KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyAgreement),
    ERIN_BP256("erin-bp256", "Erin brainpoolP256r1", "erin@hsmkit.test", 0, "brainpoolP256r1", KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyAgreement),
    FRANK_BP384("frank-bp384", "Frank brainpoolP384r1", "frank@hsmkit.test", 0, "brainpoolP384r1", KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyAgreement),
    GRACE_BP512("grace-bp512", "Grace brainpoolP512r1", "grace@hsmkit.test", 0, "brainpoolP512r1", KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyAgreement),
    /** Key usage digitalSignature only: must be refused as an encryption recipient. */
    SIGNER_ONLY_RSA("signer-only-rsa", "Sam Sign-Only", "sam@hsmkit.test", 2048, null, KeyUsage.digitalSignature | KeyUsage.nonRepudiation);

    final String fileName;
    final String commonName;
    final String email;
    final int rsaBits;
    final String curve;
    final int usage;

    TestUser(String fileName, String commonName, String email, int rsaBits, String curve, int usage) {
        this.fileName = fileName;
        this.commonName = commonName;
        this.email = email;
        this.rsaBits = rsaBits;
        this.curve = curve;
        this.usage = usage;
    }

    /** Base name of the files {@link TestPki#writeTo} makes for this user. */
    public String fileName() {
        return fileName;
    }

    public String email() {
        return email;
    }

    public String commonName() {
        return commonName;
    }

    public boolean isRsa() {
        return curve == null;
    }

    /** The curve name, or null for RSA. */
    public String curve() {
        return curve;
    }
}
