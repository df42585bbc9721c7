package dev.echo.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority held in memory that issues server and client certificates on demand, for
 * tests and development tools. Keys and signatures come from the JDK's providers; BouncyCastle only
 * builds the certificates. The certificates pass the JDK's PKIX validation with host name
 * verification and {@code openssl verify}: version 3, SKI/AKI, basicConstraints, key usage, and the
 * extended key usage serverAuth or clientAuth.
 */
public final class CertificateAuthority {
    /** The kind of key the CA and the certificates it issues get. */
    public enum KeyAlgorithm {
        /** EC on P-256, signed with SHA256withECDSA: small and fast, the default. */
        EC,
        /** RSA 2048, signed with SHA256withRSA. */
        RSA
    }

    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final KeyAlgorithm algorithm;
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final SecureRandom random = new SecureRandom();
    private final Set<BigInteger> serials = new HashSet<>();

    private CertificateAuthority(KeyAlgorithm algorithm, KeyPair keyPair, X509Certificate certificate) {
        this.algorithm = algorithm;
        this.keyPair = keyPair;
        this.certificate = certificate;
        serials.add(certificate.getSerialNumber());
    }

    /** A new CA with an EC P-256 key, valid from a minute ago (for clock skew) for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        return create(commonName, validity, KeyAlgorithm.EC);
    }

    /** A new CA whose key and issued keys are of {@code algorithm}. */
    public static CertificateAuthority create(String commonName, Duration validity, KeyAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        Instant now = Instant.now();
        KeyPair keyPair = generate(algorithm);
        X500Name name = name(commonName);
        BigInteger serial = new BigInteger(127, new SecureRandom()).setBit(126);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(validity)), name, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            X509Certificate certificate = sign(builder, keyPair.getPrivate(), algorithm);
            return new CertificateAuthority(algorithm, keyPair, certificate);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue the CA certificate", e);
        }
    }

    /** The CA's own certificate, to trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /**
     * A server certificate (extended key usage serverAuth) for {@code sans}: DNS names or IP literals
     * (IPv4 or IPv6).
     *
     * @throws IllegalArgumentException for a SAN that is neither, with the value in the message
     */
    public Issued issueServer(String commonName, List<String> sans, Instant notBefore, Instant notAfter) {
        GeneralNames names = generalNames(sans);
        return issue(commonName, KeyPurposeId.id_kp_serverAuth, names, notBefore, notAfter);
    }

    /** A client certificate (extended key usage clientAuth) for {@code commonName}. */
    public Issued issueClient(String commonName, Instant notBefore, Instant notAfter) {
        return issue(commonName, KeyPurposeId.id_kp_clientAuth, null, notBefore, notAfter);
    }

    /** Writes the CA's certificate as PEM. */
    public void writeCertificate(Path file) throws IOException {
        PemOut.write(file, PemOut.certificates(List.of(certificate)), false);
    }

    /** Writes the CA's key as PKCS#8 PEM, 0600 where the file system allows. */
    public void writeKey(Path file) throws IOException {
        PemOut.write(file, PemOut.pkcs8(keyPair.getPrivate()), true);
    }

    /** Whether {@code name} can be a SAN: a DNS name (a leading {@code *.} allowed) or an IP literal. */
    public static boolean isValidSan(String name) {
        return name != null && (isIpLiteral(name) || (name.length() <= 253 && DNS_NAME.matcher(name).matches()));
    }

    private synchronized BigInteger nextSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, random).setBit(126); // positive, 16 bytes: distinct and never zero
        } while (!serials.add(serial));
        return serial;
    }

    private Issued issue(String commonName, KeyPurposeId purpose, GeneralNames sans, Instant notBefore,
                         Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        KeyPair pair = generate(algorithm);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            int usage = KeyUsage.digitalSignature | (algorithm == KeyAlgorithm.RSA ? KeyUsage.keyEncipherment : 0);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, nextSerial(),
                    Date.from(notBefore), Date.from(notAfter), name(commonName), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
            if (sans != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new Issued(sign(builder, keyPair.getPrivate(), algorithm), pair.getPrivate(), certificate);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
        }
    }

    private static GeneralNames generalNames(List<String> sans) {
        List<GeneralName> names = new ArrayList<>();
        for (String san : sans) {
            if (isIpLiteral(san)) {
                names.add(new GeneralName(GeneralName.iPAddress, san));
            } else if (isValidSan(san)) {
                names.add(new GeneralName(GeneralName.dNSName, san));
            } else {
                throw new IllegalArgumentException("not a DNS name or IP address: '" + san + "'");
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one SAN");
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private static boolean isIpLiteral(String name) {
        if (!IPV4.matcher(name).matches() && !(name.indexOf(':') >= 0 && name.matches("[0-9A-Fa-f:.]+"))) {
            return false;
        }
        try {
            InetAddress.getByName(name); // a literal: no lookup
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static X500Name name(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key, KeyAlgorithm algorithm)
            throws GeneralSecurityException {
        try {
            String signature = algorithm == KeyAlgorithm.RSA ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signature).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair generate(KeyAlgorithm algorithm) {
        try {
            if (algorithm == KeyAlgorithm.RSA) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make " + algorithm + " keys", e);
        }
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
