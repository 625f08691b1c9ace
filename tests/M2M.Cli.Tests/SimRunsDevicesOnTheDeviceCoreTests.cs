using System.Globalization;
using M2M.Cli.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m sim</c> against the real gateway process: it provisions its devices through the admin API,
/// runs each on the device core (token, session, signed telemetry), exits 0 when every signed message
/// was acknowledged, and prints its summary.
/// </summary>
public sealed class SimRunsDevicesOnTheDeviceCoreTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task TwoSimulatedDevicesPublishAndEveryMessageIsAcknowledged()
    {
        var result = await fixture.RunAsync(
            "sim", "--devices", "2", "--rate", "2", "--duration", "00:00:02", "--tenant", "simtest",
            "--mqtt", "127.0.0.1:" + fixture.Gateway.MqttPort.ToString(CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("acknowledged", result.Output, StringComparison.Ordinal);
        var listed = await fixture.RunAsync("device", "list", "--json");
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(listed.Output).RootElement.EnumerateArray()
            .Count(d => d.GetProperty("tenant").GetString() == "simtest"));
    }
}
