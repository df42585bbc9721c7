package dev.echo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The layer every tool shares: help layout, the one error format, the environment, help and version. */
class CommandSpecTest {
    static final CliOption<String> HOST = CliOption.value("host", "HOST", ValueType.text(), "address to listen on")
            .shortName("H").defaultValue("127.0.0.1");
    static final CliOption<Integer> PORT = CliOption.value("port", "PORT", ValueType.port(), "TCP port, 0 = any free port")
            .shortName("p").defaultValue("8080");
    static final CliOption<Duration> STATS = CliOption.value("stats-interval", "DURATION", ValueType.duration(),
            "log the counters this often; 0 = never").defaultValue("0").defaultLabel("off");
    static final CliOption<Duration> TIMEOUT = CliOption.value("idle-timeout", "DURATION", ValueType.positiveDuration(),
            "a long description that has to wrap because it goes on and on about what a connection must do in"
                    + " time, and then some more words, so that it needs a third line as well in a help that is at"
                    + " most one hundred columns wide").defaultValue("5m");
    static final CliOption<Long> BUDGET = CliOption.value("max-buffered-bytes", "N", ValueType.longRange(1, Long.MAX_VALUE),
            "bytes all buffers may hold").defaultLabel("an eighth of the heap");
    static final CliOption<Boolean> QUIET = CliOption.flag("quiet", "no progress lines").shortName("q");

    static final CommandSpec SERVICE = CommandSpec.builder("echo-test")
            .header("Tests the layer, with double spaces  between  words  where a line may break: PASS|FAIL  ID  title"
                    + "  (evidence), so that  no  line  ends  in  a  space  even  when  cut  inside  them.")
            .group("Listening", HOST, PORT).group("Limits", TIMEOUT, BUDGET, STATS, QUIET)
            .footer("Example: echo-test --port 9000\nA second paragraph.").environment("ECHO_").build();
    static final CommandSpec TOOL = CommandSpec.builder("echo-tool").usage("echo-tool [options] TARGET")
            .group("Target", HOST, PORT).build();

    @Test
    void helpFitsOneHundredColumnsWithoutTrailingSpacesAndShowsGroupsDefaultsAndVariables() {
        String help = SERVICE.help();
        assertTrue(help.lines().allMatch(l -> l.length() <= 100 && !l.endsWith(" ")),
                "expected lines of at most 100 columns without trailing spaces:\n" + help);
        assertTrue(help.lines().filter(l -> l.startsWith("    ")).count() >= 2, "expected the long description wrapped:\n" + help);
        for (String expected : List.of("usage: echo-test [options]\n", "\nListening:\n", "\nLimits:\n", "\nGeneral:\n",
                "-H, --host HOST", "(default: 127.0.0.1; env ECHO_HOST)", "-p, --port PORT", "(default: 8080; env ECHO_PORT)",
                "(default: off; env ECHO_STATS_INTERVAL)", "(default: an eighth of the heap; env ECHO_MAX_BUFFERED_BYTES)",
                "-q, --quiet", "-h, --help", "-V, --version", "the command line wins", "Example: echo-test --port 9000\n"
                        + "A second paragraph.\n")) {
            assertTrue(help.contains(expected) || help.replaceAll("\\s+", " ").contains(expected), "expected help to show '" + expected + "':\n" + help);
        }
        assertFalse(help.contains("env ECHO_QUIET"), "a flag has no variable:\n" + help);
        assertFalse(TOOL.help().contains("env "), "a tool without an environment shows none:\n" + TOOL.help());
    }

    @Test
    void descriptionsStartInOneColumn() {
        Pattern optionLine = Pattern.compile("^  -.*?\\S( {2,})\\S");
        List<Integer> columns = SERVICE.help().lines().map(optionLine::matcher).filter(Matcher::find)
                .map(m -> m.end(1)).distinct().toList();
        assertEquals(1, columns.size(), "expected one description column:\n" + SERVICE.help());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port abc        | invalid --port 'abc': expected a whole number from 0 to 65535",
        "-p 70000          | invalid --port '70000': expected a whole number from 0 to 65535",
        "--port -1         | invalid --port '-1': expected a whole number from 0 to 65535",
        "--idle-timeout 0  | invalid --idle-timeout '0': expected a duration more than zero, like 500ms, 30s or 5m",
        "--stats-interval soon | invalid --stats-interval 'soon': expected a duration like 500ms, 30s, 5m or 0",
        "--max-buffered-bytes 0 | invalid --max-buffered-bytes '0': expected a whole number of at least 1",
        "--port            | --port needs a value: expected a whole number from 0 to 65535",
        "--no-such         | unknown option '--no-such' (try --help)",
        "--por 1           | unknown option '--por' (try --help)",
    })
    void everyMistakeIsOneLineInOneFormat(String line, String message) {
        UsageException e = assertThrows(UsageException.class, () -> SERVICE.parse(line.trim().split(" +"), Map.of()));
        assertEquals(message, e.getMessage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, SERVICE.usageError(new PrintStream(err, true, StandardCharsets.UTF_8), e));
        assertEquals("echo-test: " + message + "\n", err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheDefault() throws UsageException {
        Map<String, String> env = Map.of("ECHO_PORT", "9000", "ECHO_HOST", "0.0.0.0", "ECHO_STATS_INTERVAL", "");
        ParsedArgs fromEnv = SERVICE.parse(new String[0], env);
        assertEquals(9000, fromEnv.get(PORT));
        assertEquals("0.0.0.0", fromEnv.get(HOST));
        assertTrue(fromEnv.isGiven(PORT), "a variable counts as given");
        assertEquals(Duration.ZERO, fromEnv.get(STATS), "an empty variable counts as unset");
        assertFalse(fromEnv.isGiven(STATS));
        ParsedArgs flagWins = SERVICE.parse(new String[] {"--port", "9001"}, env);
        assertEquals(9001, flagWins.get(PORT));
        assertEquals("0.0.0.0", flagWins.get(HOST), "another option's variable still applies");
        ParsedArgs defaults = SERVICE.parse(new String[0], Map.of());
        assertEquals(8080, defaults.get(PORT));
        assertFalse(defaults.isGiven(PORT));
        assertNull(defaults.get(BUDGET), "no value, no default");
        assertEquals(7L, defaults.get(BUDGET, 7L));
        assertEquals(8080, TOOL.parse(new String[0], env).get(PORT), "a tool without an environment ignores it");
    }

    @Test
    void aBadVariableIsNamedAsTheVariable() {
        UsageException e = assertThrows(UsageException.class,
                () -> SERVICE.parse(new String[0], Map.of("ECHO_PORT", "http")));
        assertEquals("invalid ECHO_PORT 'http': expected a whole number from 0 to 65535", e.getMessage());
    }

    @Test
    void theLastValueWinsAndArgumentsStayInOrder() throws UsageException {
        ParsedArgs args = TOOL.parse(new String[] {"-p", "1", "a", "--port", "2", "b"}, Map.of());
        assertEquals(2, args.get(PORT));
        assertEquals(List.of("a", "b"), args.arguments());
    }

    @Test
    void helpAndVersionAreEverywhereAndSkipTheValues() throws UsageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertTrue(TOOL.printedHelpOrVersion(TOOL.parse(new String[] {"--port", "x", "-h"}, Map.of()), print));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: echo-tool [options] TARGET\n"));
        out.reset();
        assertTrue(TOOL.printedHelpOrVersion(TOOL.parse(new String[] {"-V"}, Map.of()), print));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("echo-tool \\d\\S*\\R"), out.toString(StandardCharsets.UTF_8));
        assertFalse(TOOL.printedHelpOrVersion(TOOL.parse(new String[0], Map.of()), print));
    }

    @Test
    void optionsCanEndAtTheFirstArgument() throws UsageException {
        CommandSpec shell = CommandSpec.builder("echo-shell").group("Target", PORT, QUIET).stopAtFirstArgument().build();
        ParsedArgs args = shell.parse(new String[] {"-q", "add", "-5", "--port", "3"}, Map.of());
        assertEquals(List.of("add", "-5", "--port", "3"), args.arguments());
        assertTrue(args.get(QUIET));
        assertEquals(8080, args.get(PORT));
    }

    @Test
    void aSpecThatSpellsTwoOptionsAlikeIsRejected() {
        CliOption<Integer> other = CliOption.value("peer-port", "PORT", ValueType.port(), "another port").shortName("p");
        assertThrows(IllegalArgumentException.class, () -> CommandSpec.builder("x").group("g", PORT, other).build());
        assertThrows(IllegalArgumentException.class, () -> CommandSpec.builder("x").group("g", CommandSpec.HELP).build());
    }

    @Test
    void theMarkdownTableHasOneRowPerOptionWithDefaultAndVariable() {
        String table = SERVICE.markdownTable();
        assertTrue(table.startsWith("| option | default | environment | meaning |\n|---|---|---|---|\n"), table);
        assertTrue(table.contains("| `-p, --port PORT` | `8080` | `ECHO_PORT` | TCP port, 0 = any free port |\n"), table);
        assertTrue(table.contains("| `--stats-interval DURATION` | off | `ECHO_STATS_INTERVAL` |"), table);
        assertTrue(table.contains("| `-h, --help` |  |  | print this help and exit |\n"), table);
        assertEquals(SERVICE.options().size() + 2, table.lines().count());
        assertTrue(TOOL.markdownTable().startsWith("| option | default | meaning |\n"), TOOL.markdownTable());
    }
}
