package dev.echo.server;

import dev.echo.core.RequestKind;
import dev.echo.core.proto.ErrorResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.ReflectionException;
import javax.management.StandardMBean;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.SimpleType;

/**
 * The MBean a server registers: the {@link EchoServerMXBean} attributes, plus one read-only
 * {@code long} attribute per request kind ({@link RequestKind#ADD} gives {@code AddRequests}) and per
 * error code a server sends ({@code MALFORMED_MESSAGE} gives {@code MalformedMessageErrors}), made from
 * the protocol's enums rather than a getter each, so a new kind or code gets its attribute unasked.
 */
final class ServerMBean extends StandardMBean {
    private final EchoServer server;
    /** Attribute name to how it is read from a snapshot: kinds, then codes, each in its enum's order. */
    private final Map<String, ToLongFunction<ServerStats>> countAttributes = new LinkedHashMap<>();
    /** Attribute name to its description. */
    private final Map<String, String> descriptions = new LinkedHashMap<>();

    ServerMBean(EchoServer server, EchoServerMXBean attributes) throws NotCompliantMBeanException {
        super(attributes, EchoServerMXBean.class, true);
        this.server = server;
        for (RequestKind kind : RequestKind.values()) {
            add(attributeName(kind), stats -> stats.requestCount(kind), kind.label() + " requests answered");
        }
        for (ErrorResponse.Code code : ServerCounters.ERROR_CODES) {
            if (code != ErrorResponse.Code.CODE_UNSPECIFIED) { // never sent
                add(attributeName(code), stats -> stats.errorCount(code), "error answers with code " + code);
            }
        }
    }

    private void add(String name, ToLongFunction<ServerStats> read, String description) {
        countAttributes.put(name, read);
        descriptions.put(name, description);
    }

    /** {@code MALFORMED_MESSAGE} -> {@code MalformedMessageErrors}. */
    static String attributeName(ErrorResponse.Code code) {
        return camelCase(code.name()) + "Errors";
    }

    /** {@code ADD} -> {@code AddRequests}. */
    static String attributeName(RequestKind kind) {
        return camelCase(kind.name()) + "Requests";
    }

    private static String camelCase(String constant) {
        return Arrays.stream(constant.split("_"))
                .map(word -> word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT))
                .collect(Collectors.joining());
    }

    @Override
    public Object getAttribute(String attribute)
            throws AttributeNotFoundException, MBeanException, ReflectionException {
        ToLongFunction<ServerStats> read = countAttributes.get(attribute);
        return read == null ? super.getAttribute(attribute) : (Object) read.applyAsLong(server.stats());
    }

    /** StandardMBean's own would not see the per-code attributes: each name goes through {@link #getAttribute}. */
    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList values = new AttributeList();
        for (String attribute : attributes) {
            try {
                values.add(new Attribute(attribute, getAttribute(attribute)));
            } catch (JMException | RuntimeException e) {
                // Left out, as the DynamicMBean contract says for an attribute that cannot be read.
            }
        }
        return values;
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanInfo info = super.getMBeanInfo();
        List<MBeanAttributeInfo> attributes = new ArrayList<>(List.of(info.getAttributes()));
        descriptions.forEach((name, description) -> attributes.add(new OpenMBeanAttributeInfoSupport(name,
                description, SimpleType.LONG, true, false, false)));
        return new MBeanInfo(info.getClassName(), info.getDescription(),
                attributes.toArray(MBeanAttributeInfo[]::new), info.getConstructors(), info.getOperations(),
                info.getNotifications(), info.getDescriptor());
    }
}
