namespace M2M.Fuzz.Tests;

/// <summary>
/// Found by fuzzing (tests/fuzz/device-config/regressions/sntp-server-with-a-carriage-return): an
/// m2m.conf whose <c>sntp_server</c> value holds a carriage return inside it was accepted by
/// <c>DeviceConfig.Parse</c> (it splits lines at line feeds and trims only the ends), and then the
/// device threw when it wrote the configuration back (a <c>set-config</c> command does), since a value
/// is one line. The SNTP server must be host text (docs/device-config.md): such a file is refused as an invalid value.
/// </summary>
public class ConfigurationValuesWithACarriageReturnAreRefusedTests
{
    [Fact]
    public void TheFileIsRefused() =>
        Assert.Equal("config_invalid_value", FuzzInputs.Replay("device-config", FuzzInputs.Read("device-config", "regressions", "sntp-server-with-a-carriage-return")));
}
