package dev.echo.cli;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/** The commons-cli side: our definitions as its {@link Options}, and its exceptions as our one-line messages. */
final class OptionTable {
    private OptionTable() {}

    /** Rejects a spec that spells two options the same way: a mistake of the tool's, not the user's. */
    static void check(List<CliOption<?>> options) {
        Set<String> names = new HashSet<>();
        for (CliOption<?> option : options) {
            if (!names.add("--" + option.longName())
                    || (option.shortName() != null && !names.add("-" + option.shortName()))) {
                throw new IllegalArgumentException("two options are spelled like --" + option.longName());
            }
        }
    }

    static CommandLine parse(CommandSpec spec, String[] args, boolean stopAtFirstArgument) throws UsageException {
        Options options = new Options();
        for (CliOption<?> option : spec.options()) {
            options.addOption(Option.builder(option.shortName()).longOpt(option.longName())
                    .hasArg(!option.isFlag()).argName(option.argName()).get());
        }
        try {
            return DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args, stopAtFirstArgument);
        } catch (MissingArgumentException e) {
            CliOption<?> option = find(spec, e.getOption().getLongOpt());
            throw new UsageException("--" + option.longName() + " needs a value: expected " + option.type().expected());
        } catch (UnrecognizedOptionException e) {
            throw new UsageException("unknown option '" + e.getOption() + "' (try --help)");
        } catch (ParseException e) {
            throw new UsageException(e.getMessage() + " (try --help)");
        }
    }

    static CliOption<?> find(CommandSpec spec, String longName) {
        return spec.options().stream().filter(o -> o.longName().equals(longName)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no option --" + longName));
    }
}
