package dev.echo.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.tls.PemFiles;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each certificate of a TestPki is what its name says, as the JDK's PKIX trust manager sees it. */
class TestPkiTest {
    @TempDir
    Path dir;

    @Test
    void theStandardPairsAreTrustedAndTheOnDemandOnesRefusedForTheirReason() throws Exception {
        TestPki pki = TestPki.create(dir);
        X509TrustManager trust = trustManager(pki.caCertificate());
        trust.checkServerTrusted(chain(pki.server()), "ECDHE_ECDSA");
        trust.checkClientTrusted(chain(pki.client()), "ECDHE_ECDSA");
        assertTrue(PemFiles.matches(PemFiles.privateKey(pki.server().key()), chain(pki.server())[0]));

        assertCause("CertificateExpiredException", () -> trust.checkClientTrusted(chain(pki.expiredClient()), "ECDHE_ECDSA"));
        assertCause("CertificateNotYetValidException",
                () -> trust.checkServerTrusted(chain(pki.notYetValidServer()), "ECDHE_ECDSA"));
        assertThrows(CertificateException.class, () -> trust.checkClientTrusted(chain(pki.clientFromOtherCa()), "ECDHE_ECDSA"));
        trustManager(pki.otherCaCertificate()).checkClientTrusted(chain(pki.clientFromOtherCa()), "ECDHE_ECDSA");
        X509Certificate other = chain(pki.serverForOtherName())[0];
        trust.checkServerTrusted(chain(pki.serverForOtherName()), "ECDHE_ECDSA"); // trusted: only the name is wrong
        assertEquals("SANs DNS:" + TestPki.OTHER_NAME, PemFiles.describe(other).split("; ")[1]);

        assertEquals(pki.expiredClient(), pki.expiredClient(), "written once");
        assertNotEquals(chain(pki.server())[0].getSerialNumber(), chain(pki.client())[0].getSerialNumber());
    }

    private static void assertCause(String simpleName, org.junit.jupiter.api.function.Executable check) {
        CertificateException e = assertThrows(CertificateException.class, check);
        StringBuilder causes = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            causes.append(t.getClass().getSimpleName()).append(' ');
        }
        assertTrue(causes.toString().contains(simpleName), causes + ": " + e);
    }

    private static X509Certificate[] chain(TestPki.Pair pair) throws Exception {
        return PemFiles.certificates(pair.certificate()).toArray(new X509Certificate[0]);
    }

    private static X509TrustManager trustManager(Path ca) throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(PemFiles.trustStore(ca));
        return (X509TrustManager) factory.getTrustManagers()[0];
    }
}
