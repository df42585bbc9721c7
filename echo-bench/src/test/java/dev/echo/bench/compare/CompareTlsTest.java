package dev.echo.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.cli.UsageException;
import dev.echo.bench.netty.NettyTls;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** compare --tls: its servers, rows and server arguments, and the per-request scenario. */
class CompareTlsTest {
    @Test
    void tlsAddsTheHandshakeRowAndServesEveryServerTlsWithOneCertificate() throws Exception {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--tls", "--root", "/nowhere"});
        assertEquals(Scenario.DEFAULTS.size() + 1, settings.scenarios().size());
        assertEquals(Scenario.HANDSHAKES, settings.scenarios().get(settings.scenarios().size() - 1));
        List<ServerKind> expected = NettyTls.Provider.OPENSSL.available()
                ? List.of(ServerKind.VIRTUAL, ServerKind.NETTY, ServerKind.NETTY_OPENSSL)
                : List.of(ServerKind.VIRTUAL, ServerKind.NETTY);
        assertEquals(expected, settings.servers());
        assertTrue(Files.isRegularFile(settings.tls().certificate()));
        List<String> virtual = settings.serverArgs(ServerKind.VIRTUAL, 164);
        assertEquals(List.of("--tls-cert", settings.tls().certificate().toString(), "--tls-key",
                settings.tls().privateKey().toString()), virtual.subList(virtual.size() - 4, virtual.size()));
        List<String> netty = settings.serverArgs(ServerKind.NETTY, 164);
        assertEquals(List.of("--tls-provider", "jdk"), netty.subList(netty.size() - 2, netty.size()),
                "expected Netty on the JDK's TLS, as echo-server");
    }

    @Test
    void withoutTlsNothingChanges() throws Exception {
        CompareMain.Settings settings = CompareMain.COMMAND.parse(new String[] {"--root", "/nowhere"});
        assertEquals(Scenario.DEFAULTS, settings.scenarios());
        assertEquals(null, settings.tls());
        assertEquals(ServerKind.VIRTUAL.args(164, 1024), settings.serverArgs(ServerKind.VIRTUAL, 164));
    }

    @Test
    void opensslWithoutTlsIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> CompareMain.COMMAND.parse(
                new String[] {"--servers", "virtual,netty+openssl", "--root", "/nowhere"}));
        assertEquals("server netty+openssl differs from netty only in its TLS: it needs --tls", e.getMessage());
    }

    @Test
    void aNewConnectionPerRequestScenarioIsWrittenNnew() {
        Scenario s = Scenario.parse("16new");
        assertEquals(new Scenario("16 conns, new connection per request", 16, 1, true), s);
        assertEquals(Scenario.HANDSHAKES, s);
        assertThrows(IllegalArgumentException.class, () -> Scenario.parse("0new"));
    }
}
