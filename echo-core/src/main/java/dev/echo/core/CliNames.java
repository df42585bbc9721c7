package dev.echo.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The names of an enum's constants as people type them on every command line of the toolkit: the
 * constant's name in lower case, matched ignoring case and surrounding blanks. One rule, so that
 * {@code --framing raw} and {@code --design solution} read and fail alike.
 */
public final class CliNames {
    private CliNames() {}

    /** The lower-case name of {@code value}: {@code DELIMITED} is {@code delimited}. */
    public static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant of {@code type} named {@code name}, ignoring case.
     *
     * @param what names the setting in the error message ("framing", "design")
     * @throws IllegalArgumentException naming the bad value and the valid ones
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String what, String name) {
        String wanted = name == null ? "" : name.trim();
        List<E> values = Arrays.asList(type.getEnumConstants());
        for (E value : values) {
            if (of(value).equalsIgnoreCase(wanted)) {
                return value;
            }
        }
        List<String> names = values.stream().map(CliNames::of).toList();
        String expected = names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        throw new IllegalArgumentException("unknown " + what + " '" + name + "': expected " + expected);
    }
}
