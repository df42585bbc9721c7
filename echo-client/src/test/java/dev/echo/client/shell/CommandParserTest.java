package dev.echo.client.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {

    @Test
    void echoTakesTheRestOfTheLineVerbatim() throws UsageException {
        assertEquals(new Command.Echo("Hello,   World!  "), CommandParser.parseLine("echo Hello,   World!  "),
                "inner and trailing spaces kept");
        assertEquals(new Command.Echo("say \"hi\" to 'them'"), CommandParser.parseLine("  echo   say \"hi\" to 'them'"),
                "quotes inside the text are kept; leading spaces before the text are the separator");
        assertEquals(new Command.Echo("\"a\" \"b\""), CommandParser.parseLine("echo \"a\" \"b\""),
                "two quoted strings are not one: kept verbatim");
    }

    @Test
    void echoOfOneQuotedStringDropsTheQuotes() throws UsageException {
        assertEquals(new Command.Echo("  padded "), CommandParser.parseLine("echo \"  padded \""), "double quotes removed");
        assertEquals(new Command.Echo(""), CommandParser.parseLine("echo \"\""), "an empty quoted string is an empty text");
        assertEquals(new Command.Echo("it's"), CommandParser.parseLine("echo \"it's\""), "single quote inside double");
        assertEquals(new Command.Echo("a \"q\" \\ b"), CommandParser.parseLine("echo \"a \\\"q\\\" \\\\ b\""),
                "backslash escapes in double quotes");
        assertEquals(new Command.Echo("x y"), CommandParser.parseLine("echo 'x y'"), "single quotes removed");
    }

    @Test
    void echoWithoutTextIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> CommandParser.parseLine("echo   "),
                "echo with nothing must not send anything");
        assertTrue(e.getMessage().startsWith("usage: echo"), "expected the echo usage, got: " + e.getMessage());
    }

    @Test
    void addParsesTwoInt32s() throws UsageException {
        assertEquals(new Command.Add(10, 20), CommandParser.parseLine("add 10 20"), "plain add");
        assertEquals(new Command.Add(-5, 2147483647), CommandParser.parseLine("ADD  -5   2147483647"),
                "case-insensitive word, negative number, int32 max");
        assertEquals(new Command.Add(-2147483648, 1), CommandParser.parseLine("add \"-2147483648\" '1'"),
                "quoted numbers are numbers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"add 1 x", "add 99999999999 1", "add 1", "add 1 2 3", "add", "add 1.5 2", "add 0x10 1",
            "add 2147483648 0", "add -2147483649 0"})
    void badAddIsAUsageErrorNotARequest(String line) {
        UsageException e = assertThrows(UsageException.class, () -> CommandParser.parseLine(line),
                "expected a usage error for: " + line);
        assertTrue(e.getMessage().startsWith("add: ") || e.getMessage().startsWith("usage: add"),
                "expected an add usage message, got: " + e.getMessage());
    }

    @Test
    void badNumbersSayWhatIsWrong() {
        assertEquals("add: 'x' is not an integer",
                assertThrows(UsageException.class, () -> CommandParser.parseLine("add 1 x")).getMessage(),
                "message for a non-number");
        assertEquals("add: 99999999999 is out of the int32 range (-2147483648 to 2147483647)",
                assertThrows(UsageException.class, () -> CommandParser.parseLine("add 99999999999 1")).getMessage(),
                "message for a number out of range");
    }

    @Test
    void repeatWrapsEchoOrAdd() throws UsageException {
        assertEquals(new Command.Repeat(1000, new Command.Echo("Hello,  World!")),
                CommandParser.parseLine("repeat 1000 echo Hello,  World!"), "repeat echo keeps the text verbatim");
        assertEquals(new Command.Repeat(3, new Command.Add(1, 2)), CommandParser.parseLine("repeat 3 add 1 2"),
                "repeat add");
        assertEquals(new Command.Repeat(2_000_000_000, new Command.Add(1, 2)),
                CommandParser.parseLine("repeat 2000000000 add 1 2"), "no cap below int32: the histogram's size is fixed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"repeat", "repeat 10", "repeat x echo a", "repeat 0 echo a", "repeat -1 echo a",
            "repeat 2147483648 echo a", "repeat 5 status", "repeat 5 repeat 5 echo a", "repeat 5 add 1 x"})
    void badRepeatIsAUsageError(String line) {
        assertThrows(UsageException.class, () -> CommandParser.parseLine(line), "expected a usage error for: " + line);
    }

    @Test
    void argumentsAreSplitAsJLineDoes() throws UsageException {
        assertEquals(new Command.Add(12, 3), CommandParser.parseLine("add 1\\2 3"),
                "a backslash outside quotes escapes the next character, as in a POSIX shell");
        assertEquals(new Command.Connect("a b", 0), CommandParser.parseLine("connect a\\ b"), "an escaped space joins");
        assertEquals(new Command.Echo("it's"), CommandParser.parseLine("echo 'it\\'s'"),
                "a backslash escapes a quote inside single quotes too");
        assertEquals("unclosed quote in: \"1 2",
                assertThrows(UsageException.class, () -> CommandParser.parseLine("add \"1 2")).getMessage(),
                "the unclosed quote is named");
    }

    @Test
    void connectTakesAnOptionalEndpoint() throws UsageException {
        assertEquals(new Command.Connect(null, 0), CommandParser.parseLine("connect"), "no endpoint: same target");
        assertEquals(new Command.Connect("10.0.0.1", 9000), CommandParser.parseLine("connect 10.0.0.1:9000"), "host:port");
        assertEquals(new Command.Connect("localhost", 0), CommandParser.parseLine("connect localhost"), "host only");
        assertEquals(new Command.Connect(null, 9001), CommandParser.parseLine("connect :9001"), "port only");
        assertEquals(new Command.Connect("::1", 8081), CommandParser.parseLine("connect [::1]:8081"), "bracketed IPv6");
        assertThrows(UsageException.class, () -> CommandParser.parseLine("connect host:70000"), "port out of range");
        assertThrows(UsageException.class, () -> CommandParser.parseLine("connect host:x"), "port not a number");
        assertThrows(UsageException.class, () -> CommandParser.parseLine("connect a b"), "two endpoints");
    }

    @Test
    void simpleCommandsAndBlankLines() throws UsageException {
        assertEquals(new Command.Disconnect(), CommandParser.parseLine("disconnect"), "disconnect");
        assertEquals(new Command.Status(), CommandParser.parseLine("status"), "status");
        assertEquals(new Command.Help(), CommandParser.parseLine("help"), "help");
        assertEquals(new Command.Quit(), CommandParser.parseLine("quit"), "quit");
        assertEquals(new Command.Quit(), CommandParser.parseLine("exit"), "exit");
        assertEquals(new Command.Nothing(), CommandParser.parseLine("   "), "blank line");
        assertEquals(new Command.Nothing(), CommandParser.parseLine("# a comment"), "comment line");
        assertThrows(UsageException.class, () -> CommandParser.parseLine("status now"), "status takes no arguments");
        assertThrows(UsageException.class, () -> CommandParser.parseLine("add \"1 2"), "unclosed quote");
        UsageException unknown = assertThrows(UsageException.class, () -> CommandParser.parseLine("ech hi"),
                "unknown command");
        assertEquals("unknown command 'ech': type help for the list", unknown.getMessage(), "unknown command message");
    }

    @Test
    void oneShotWordsAreJoinedForEcho() throws UsageException {
        assertEquals(new Command.Echo("Hello, World!"), CommandParser.parseWords(List.of("echo", "Hello, World!")),
                "one argument, as the shell passes \"Hello, World!\"");
        assertEquals(new Command.Echo("a b"), CommandParser.parseWords(List.of("echo", "a", "b")), "words joined by one space");
        assertEquals(new Command.Add(10, -20), CommandParser.parseWords(List.of("add", "10", "-20")), "add words");
        assertEquals(new Command.Repeat(5, new Command.Add(1, 2)),
                CommandParser.parseWords(List.of("repeat", "5", "add", "1", "2")), "repeat words");
        assertThrows(UsageException.class, () -> CommandParser.parseWords(List.of("add", "99999999999", "1")),
                "out-of-range one-shot add");
        assertThrows(UsageException.class, () -> CommandParser.parseWords(List.of("echo")), "one-shot echo without text");
    }
}
