package dev.echo.core.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Map;

/**
 * A private key from its PEM block, in the three forms openssl and cert-manager write: PKCS#8 ({@code
 * PRIVATE KEY}) as it is, PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}) by wrapping
 * their DER in a PKCS#8 {@code PrivateKeyInfo}, the only encoding the JDK's key factories read:
 *
 * <pre>
 * PrivateKeyInfo ::= SEQUENCE {
 *   version    INTEGER 0,
 *   algorithm  SEQUENCE { OID rsaEncryption, NULL }        -- PKCS#1
 *            | SEQUENCE { OID ecPublicKey, OID namedCurve } -- SEC1: the curve from its [0] parameters
 *   privateKey OCTET STRING { the PKCS#1 or SEC1 DER } }
 * </pre>
 */
final class PrivateKeys {
    static final String PKCS8 = "PRIVATE KEY";
    static final String PKCS1 = "RSA PRIVATE KEY";
    static final String SEC1 = "EC PRIVATE KEY";
    static final String ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";

    private static final String RSA_OID = "1.2.840.113549.1.1.1";
    private static final String EC_OID = "1.2.840.10045.2.1";

    /** Key algorithms by their PKCS#8 OID, named as the JDK's KeyFactory knows them. */
    private static final Map<String, String> ALGORITHMS = Map.of(
            RSA_OID, "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            EC_OID, "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private static final byte[] RSA_ALGORITHM =
            Der.encode(Der.SEQUENCE, oidBytes(new int[] {1, 2, 840, 113549, 1, 1, 1}), Der.encode(Der.NULL));
    private static final byte[] VERSION_0 = Der.encode(Der.INTEGER, new byte[] {0});

    private PrivateKeys() {}

    /** Whether a block with this label is a private key of some form (usable or not). */
    static boolean isKey(PemBlock block) {
        return switch (block.label()) {
            case PKCS8, PKCS1, SEC1, ENCRYPTED_PKCS8 -> true;
            default -> block.label().endsWith(" PRIVATE KEY");
        };
    }

    static PrivateKey decode(PemBlock block) throws MaterialProblem {
        if (block.label().equals(ENCRYPTED_PKCS8) || block.encryptedHeader()) {
            throw new MaterialProblem("encrypted private keys are not supported (write it unencrypted, e.g."
                    + " openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] pkcs8 = switch (block.label()) {
            case PKCS8 -> block.der();
            case PKCS1 -> fromPkcs1(block.der());
            case SEC1 -> fromSec1(block.der());
            default -> throw new MaterialProblem("unsupported private key form " + block.label()
                    + " (PKCS#8 PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY expected)");
        };
        return fromPkcs8(pkcs8, block.label());
    }

    private static PrivateKey fromPkcs8(byte[] der, String label) throws MaterialProblem {
        String oid = pkcs8AlgorithmOid(der, label);
        String algorithm = ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new MaterialProblem("unsupported private key algorithm " + oid
                    + " (RSA, EC, Ed25519 or Ed448 expected)");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (NoSuchAlgorithmException e) {
            throw new MaterialProblem(algorithm + " keys are not supported by this JDK", e);
        } catch (GeneralSecurityException | RuntimeException e) {
            // The JDK's parsers may throw unchecked exceptions on malformed input, not only InvalidKeySpecException.
            throw new MaterialProblem("the " + algorithm + " private key is not usable: " + oneLine(e), e);
        }
    }

    /** The algorithm OID of a PrivateKeyInfo, checking the structure on the way. */
    private static String pkcs8AlgorithmOid(byte[] der, String label) throws MaterialProblem {
        Der.Reader top = new Der.Reader(der);
        Der.Tlv info = top.next(Der.SEQUENCE, label + " sequence");
        if (top.hasMore()) {
            throw new MaterialProblem("not valid DER (bytes after the " + label + ")");
        }
        Der.Reader fields = info.contents();
        fields.next(Der.INTEGER, "version");
        Der.Tlv algorithm = fields.next(Der.SEQUENCE, "algorithm identifier");
        fields.next(Der.OCTET_STRING, "private key octets");
        return Der.oid(algorithm.contents().next());
    }

    private static byte[] fromPkcs1(byte[] der) throws MaterialProblem {
        Der.Reader top = new Der.Reader(der);
        Der.Tlv key = top.next(Der.SEQUENCE, "RSA private key sequence");
        if (top.hasMore()) {
            throw new MaterialProblem("not valid DER (bytes after the RSA PRIVATE KEY)");
        }
        // version, modulus, publicExponent, privateExponent, prime1, prime2, exponent1, exponent2, coefficient
        Der.Reader fields = key.contents();
        for (int i = 0; i < 9; i++) {
            fields.next(Der.INTEGER, "RSA key integer");
        }
        return Der.encode(Der.SEQUENCE, VERSION_0, RSA_ALGORITHM, Der.encode(Der.OCTET_STRING, der));
    }

    private static byte[] fromSec1(byte[] der) throws MaterialProblem {
        Der.Reader top = new Der.Reader(der);
        Der.Tlv key = top.next(Der.SEQUENCE, "EC private key sequence");
        if (top.hasMore()) {
            throw new MaterialProblem("not valid DER (bytes after the EC PRIVATE KEY)");
        }
        Der.Reader fields = key.contents();
        Der.Tlv version = fields.next(Der.INTEGER, "version");
        if (!new BigInteger(version.value()).equals(BigInteger.ONE)) {
            throw new MaterialProblem("EC private key version " + new BigInteger(version.value()) + " (1 expected)");
        }
        fields.next(Der.OCTET_STRING, "private key octets");
        byte[] curve = null;
        while (fields.hasMore()) {
            Der.Tlv field = fields.next();
            if (field.tag() == Der.CONTEXT_0) {
                Der.Tlv parameters = field.contents().next();
                if (parameters.tag() != Der.OID) {
                    throw new MaterialProblem("EC private key with explicit curve parameters (a named curve"
                            + " is expected: openssl ecparam -name prime256v1 -param_enc named_curve)");
                }
                Der.oid(parameters); // checks it
                curve = parameters.encoded();
            }
        }
        if (curve == null) {
            throw new MaterialProblem("EC private key without its curve (no [0] parameters); write it as"
                    + " PKCS#8 instead (openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] algorithm = Der.encode(Der.SEQUENCE, oidBytes(new int[] {1, 2, 840, 10045, 2, 1}), curve);
        return Der.encode(Der.SEQUENCE, VERSION_0, algorithm, Der.encode(Der.OCTET_STRING, der));
    }

    /** The DER of an OID given by its arcs. */
    private static byte[] oidBytes(int[] arcs) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        writeArc(body, 40L * arcs[0] + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            writeArc(body, arcs[i]);
        }
        return Der.encode(Der.OID, body.toByteArray());
    }

    private static void writeArc(java.io.ByteArrayOutputStream out, long arc) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int b = (int) ((arc >>> (7 * i)) & 0x7f);
            out.write(i == 0 ? b : b | 0x80);
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
