package dev.echo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.echo.core.Messages;
import dev.echo.core.RequestKind;
import dev.echo.testkit.Await;
import dev.echo.testkit.WireClient;
import dev.echo.core.proto.ErrorResponse;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The MXBean shows requests and error answers as one attribute per kind and per code, read from the live counters. */
class ServerMXBeanTest {

    @Test
    void everyKindAndEveryCodeAServerSendsHasItsOwnAttributeWithItsCount() throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        try (EchoServer server = TestServers.start(); WireClient client = TestServers.connect(server)) {
            client.write(new byte[] {0});
            client.expectError(ErrorResponse.Code.EMPTY_REQUEST);
            client.send(Messages.add(Integer.MAX_VALUE, 1));
            client.expectError(ErrorResponse.Code.ADD_OVERFLOW);
            ObjectName name = ServerProbe.mbeanName(server);
            Set<String> attributes = Arrays.stream(mbeans.getMBeanInfo(name).getAttributes())
                    .map(MBeanAttributeInfo::getName).collect(Collectors.toSet());
            for (ErrorResponse.Code code : ServerCounters.ERROR_CODES) {
                if (code == ErrorResponse.Code.CODE_UNSPECIFIED) {
                    continue; // never sent
                }
                String attribute = ServerMBean.attributeName(code);
                assertTrue(attributes.contains(attribute), "expected an attribute " + attribute + " for " + code
                        + " among " + attributes);
                long expected = code == ErrorResponse.Code.EMPTY_REQUEST || code == ErrorResponse.Code.ADD_OVERFLOW ? 1 : 0;
                assertEquals(expected, mbeans.getAttribute(name, attribute), attribute + " over JMX");
            }
            assertEquals(2L, mbeans.getAttribute(name, "ErrorTotal"), "ErrorTotal over JMX");
            for (RequestKind kind : RequestKind.values()) {
                String attribute = ServerMBean.attributeName(kind);
                assertTrue(attributes.contains(attribute), "expected an attribute " + attribute + " for " + kind
                        + " among " + attributes);
                assertEquals(kind == RequestKind.ECHO ? 0L : 1L, mbeans.getAttribute(name, attribute),
                        attribute + " over JMX");
            }
            assertEquals(List.of(0L, 1L, 1L), mbeans.getAttributes(name,
                    new String[] {"EchoRequests", "AddRequests", "EmptyRequests"}).asList().stream()
                    .map(Attribute::getValue).toList(), "the request attributes read at once, by their known names");
            // The names jconsole users and scripts know; jconsole reads them in bulk.
            String[] known = {"MalformedMessageErrors", "EmptyRequestErrors", "FrameTooLargeErrors",
                "AddOverflowErrors", "ServerBusyErrors", "ShuttingDownErrors", "ErrorTotal"};
            List<Object> values = mbeans.getAttributes(name, known).asList().stream().map(Attribute::getValue).toList();
            assertEquals(List.of(0L, 1L, 0L, 1L, 0L, 0L, 2L), values, "the error attributes read at once over JMX");
        }
    }
}
