package org.hsmkit.core.internal.soft;

import java.math.BigInteger;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.ScryptParams;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBEParameter;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.hsmkit.core.HsmkitException;

/**
 * How much key-derivation work a PKCS#12 file may ask for. The iteration counts (and scrypt's
 * cost) are in the file, so a file can ask for hours of PBKDF2 or gigabytes of scrypt memory
 * before anything is known about the passphrase: such files are refused before any derivation.
 * The bounds are far above what tools write (openssl: 2,048 iterations, hsmkit: 100,000; OWASP's
 * 2023 advice for PBKDF2-HMAC-SHA256: 600,000).
 */
final class Pkcs12Limits {
    /** About two seconds of PBKDF2-HMAC-SHA256 on a current machine. */
    static final int MAX_ITERATIONS = 2_000_000;
    /** scrypt's memory, 128 · r · N bytes, at most this. */
    static final long MAX_SCRYPT_MEMORY = 256L << 20;

    private Pkcs12Limits() {
    }

    /** Checks the integrity MAC's iteration count. */
    static void checkMac(MacData mac, String name) {
        if (mac != null) {
            requireIterations(mac.getIterationCount(), "integrity MAC", name);
        }
    }

    /** Checks the key derivation of a password-based encryption scheme, whichever it is. */
    static void checkEncryption(AlgorithmIdentifier alg, String name) {
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (PKCSObjectIdentifiers.id_PBES2.equals(oid)) {
            KeyDerivationFunc kdf = PBES2Parameters.getInstance(alg.getParameters()).getKeyDerivationFunc();
            if (PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
                requireIterations(PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount(), "key encryption", name);
            } else if (MiscObjectIdentifiers.id_scrypt.equals(kdf.getAlgorithm())) {
                ScryptParams s = ScryptParams.getInstance(kdf.getParameters());
                BigInteger memory = BigInteger.valueOf(128).multiply(s.getBlockSize()).multiply(s.getCostParameter());
                if (memory.compareTo(BigInteger.valueOf(MAX_SCRYPT_MEMORY)) > 0
                        || s.getParallelizationParameter().compareTo(BigInteger.valueOf(16)) > 0) {
                    throw HsmkitException.input(name + " asks for scrypt with " + memory.shiftRight(20) + " MiB and parallelism "
                            + s.getParallelizationParameter() + "; hsmkit allows " + (MAX_SCRYPT_MEMORY >> 20) + " MiB and 16",
                            "export the key again with ordinary settings");
                }
            }
        } else if (oid.on(PKCSObjectIdentifiers.pkcs_12PbeIds)) {
            requireIterations(PKCS12PBEParams.getInstance(alg.getParameters()).getIterations(), "key encryption", name);
        } else if (oid.on(PKCSObjectIdentifiers.pkcs_5)) {
            requireIterations(PBEParameter.getInstance(alg.getParameters()).getIterationCount(), "key encryption", name);
        }
    }

    private static void requireIterations(BigInteger n, String what, String name) {
        if (n.signum() <= 0 || n.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
            throw HsmkitException.input(name + " asks for " + n + " iterations of its " + what + "; hsmkit reads files with 1 to "
                    + MAX_ITERATIONS, "export it again with fewer iterations (openssl pkcs12 -export -iter 100000)");
        }
    }
}
