package dev.echo.server;

import dev.echo.core.proto.ErrorResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * {@code long} attribute per error code a server sends ({@code MALFORMED_MESSAGE} gives
 * {@code MalformedMessageErrors}), made from the protocol's enum rather than a getter per code.
 */
final class ServerMBean extends StandardMBean {
    private final EchoServer server;
    /** Attribute name to its code, in the enum's order. */
    private final Map<String, ErrorResponse.Code> errorAttributes = new LinkedHashMap<>();

    ServerMBean(EchoServer server, EchoServerMXBean attributes) throws NotCompliantMBeanException {
        super(attributes, EchoServerMXBean.class, true);
        this.server = server;
        for (ErrorResponse.Code code : ServerCounters.ERROR_CODES) {
            if (code != ErrorResponse.Code.CODE_UNSPECIFIED) { // never sent
                errorAttributes.put(attributeName(code), code);
            }
        }
    }

    /** {@code MALFORMED_MESSAGE} -> {@code MalformedMessageErrors}. */
    static String attributeName(ErrorResponse.Code code) {
        return Arrays.stream(code.name().split("_"))
                .map(word -> word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT))
                .collect(Collectors.joining()) + "Errors";
    }

    @Override
    public Object getAttribute(String attribute)
            throws AttributeNotFoundException, MBeanException, ReflectionException {
        ErrorResponse.Code code = errorAttributes.get(attribute);
        return code == null ? super.getAttribute(attribute) : (Object) server.stats().errorCount(code);
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
        errorAttributes.forEach((name, code) -> attributes.add(new OpenMBeanAttributeInfoSupport(name,
                "error answers with code " + code, SimpleType.LONG, true, false, false)));
        return new MBeanInfo(info.getClassName(), info.getDescription(),
                attributes.toArray(MBeanAttributeInfo[]::new), info.getConstructors(), info.getOperations(),
                info.getNotifications(), info.getDescriptor());
    }
}
