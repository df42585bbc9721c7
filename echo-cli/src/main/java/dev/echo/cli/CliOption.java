package dev.echo.cli;

import java.util.Objects;

/**
 * One option of a tool's command line, the single definition that parsing, {@code --help}, the
 * environment variable and the README's option table are all made from.
 *
 * @param shortName the one-letter form ({@code p} for {@code -p}), or null
 * @param longName the long form without dashes ({@code port})
 * @param argName the value's placeholder in help ({@code PORT}); null for a flag, which takes none
 * @param description what it does, one sentence, without the default
 * @param type what its value must be; null for a flag
 * @param defaultValue the text used when neither the command line nor the environment gives one,
 *     read by {@code type} like any other; null when there is none
 * @param defaultLabel how help shows the default when not as {@code defaultValue} ("off"), or null
 * @param <T> the value's type; Boolean for a flag
 */
public record CliOption<T>(String shortName, String longName, String argName, String description, ValueType<T> type,
                           String defaultValue, String defaultLabel) {

    public CliOption {
        Objects.requireNonNull(longName, "longName");
        Objects.requireNonNull(description, "description");
        if ((argName == null) != (type == null)) {
            throw new IllegalArgumentException("--" + longName + ": a value option needs both argName and type");
        }
    }

    /** An option that takes a value: {@code --longName ARG}. */
    public static <T> CliOption<T> value(String longName, String argName, ValueType<T> type, String description) {
        return new CliOption<>(null, longName, argName, description, type, null, null);
    }

    /** An option that takes no value: present or not. */
    public static CliOption<Boolean> flag(String longName, String description) {
        return new CliOption<>(null, longName, null, description, null, null, null);
    }

    /** The same option, also spelled {@code -shortName}. */
    public CliOption<T> shortName(String letter) {
        return new CliOption<>(letter, longName, argName, description, type, defaultValue, defaultLabel);
    }

    /** The same option, with {@code text} as its value when none is given; help shows it. */
    public CliOption<T> defaultValue(String text) {
        return new CliOption<>(shortName, longName, argName, description, type, text, defaultLabel);
    }

    /** The same option, help saying {@code label} for its default (a default computed elsewhere, or "off"). */
    public CliOption<T> defaultLabel(String label) {
        return new CliOption<>(shortName, longName, argName, description, type, defaultValue, label);
    }

    /** True for an option that takes no value. */
    public boolean isFlag() {
        return type == null;
    }

    /** What help and the README show as the default, or null. */
    public String shownDefault() {
        return defaultLabel != null ? defaultLabel : defaultValue;
    }

    /** {@code -p, --port PORT} or {@code --port PORT}. */
    public String synopsis() {
        return (shortName == null ? "" : "-" + shortName + ", ") + "--" + longName + (isFlag() ? "" : " " + argName);
    }
}
