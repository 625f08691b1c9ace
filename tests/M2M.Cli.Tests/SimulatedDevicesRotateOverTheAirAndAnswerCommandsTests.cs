using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using M2M.Cli.Tests.Support;
using M2M.Testing;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m sim</c> runs the device application itself, against the real gateway process on loopback:
/// with <c>--rotate-every</c> the gateway rotates each simulated device's secret over the air (docs/protocol.md
/// section 12) and the devices keep publishing under the new secret; a command sent to a simulated
/// device while the sim runs is answered and recorded.
/// </summary>
public sealed class SimulatedDevicesRotateOverTheAirAndAnswerCommandsTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task RotateEveryCompletesARotationOfEachDeviceAndTheyKeepPublishingUnderTheNewSecret()
    {
        var result = await fixture.RunAsync(
            "sim", "--devices", "2", "--rate", "2", "--duration", "00:00:12", "--rotate-every", "00:00:03", "--tenant", "simrotate",
            "--mqtt", "127.0.0.1:" + fixture.Gateway.MqttPort.ToString(CultureInfo.InvariantCulture));

        // Exit 0: every rotation started completed, every signed message acknowledged (but for those lost
        // with the outbox at a restart), also those signed after the restart into S'.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Figure(result, "rotations completed") >= 2, result.ToString());
        Assert.Equal(0, Figure(result, "rotations failed or rolled back"));
        Assert.True(Figure(result, "acknowledged after a restart") > 0, result.ToString());
        Assert.Equal(0, Figure(result, "refused"));

        foreach (var device in await DevicesAsync("simrotate"))
        {
            var id = device.GetProperty("id").GetString()!;
            Assert.True(device.GetProperty("credentialGeneration").GetInt64() > 1, $"{id} kept its first secret");
            var rotations = await fixture.RunAsync("device", "rotations", id, "--json");
            Assert.Contains(JsonDocument.Parse(rotations.Output).RootElement.EnumerateArray(), r => r.GetProperty("state").GetString() == "completed");
        }
    }

    [Fact]
    public async Task ASimulatedDeviceAnswersEachBuiltInCommand()
    {
        var sim = fixture.RunAsync(
            "sim", "--devices", "1", "--rate", "2", "--duration", "00:00:20", "--tenant", "simcommand",
            "--mqtt", "127.0.0.1:" + fixture.Gateway.MqttPort.ToString(CultureInfo.InvariantCulture));
        var id = string.Empty;
        await Eventually.TrueAsync(
            async () =>
            {
                var devices = await DevicesAsync("simcommand");
                id = devices.Length == 1 ? devices[0].GetProperty("id").GetString()! : string.Empty;
                return id.Length > 0;
            },
            "the sim provisioned its device");

        foreach (var command in new[] { new[] { "ping" }, ["set-config", "--arg", "telemetry_interval_s=600"], ["reboot"] })
        {
            var answered = await fixture.RunAsync(["device", "command", id, .. command, "--wait", "15", "--json"]);
            Assert.True(answered.ExitCode == 0, answered.ToString());
            Assert.Equal("ok", JsonDocument.Parse(answered.Output).RootElement.GetProperty("status").GetString());
        }

        // The reboot restarted the simulated board, which went on publishing.
        var result = await sim;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1, Figure(result, "restarts (asked for by the device)"));
        Assert.True(Figure(result, "acknowledged after a restart") > 0, result.ToString());
    }

    private async Task<JsonElement[]> DevicesAsync(string tenant)
    {
        var listed = await fixture.RunAsync("device", "list", "--json");
        return JsonDocument.Parse(listed.Output).RootElement.EnumerateArray().Where(d => d.GetProperty("tenant").GetString() == tenant).ToArray();
    }

    // One figure of the sim's summary table: "│ name │ value │".
    private static long Figure(CliResult result, string name)
    {
        var match = Regex.Match(result.Output, Regex.Escape(name) + @"\s*│\s*(\d+)\s*│");
        Assert.True(match.Success, $"no '{name}' in the summary:\n{result}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
