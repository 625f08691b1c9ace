using System.Text.Json;
using M2M.Cli.Tests.Support;

namespace M2M.Cli.Tests;

/// <summary>
/// <c>m2m device command</c> and <c>m2m device commands</c> against the real gateway: a command for a
/// device that is not connected is queued and shown with its status; waiting for an answer that does
/// not come ends with exit code 15; a malformed argument is refused before anything is sent.
/// </summary>
public sealed class DeviceCommandIsQueuedAndItsStatusShownTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task ACommandForAnOfflineDeviceIsQueuedAndListed()
    {
        Assert.Equal(0, (await fixture.RunAsync("device", "add", "cli-cmd-0001", "--tenant", "acme")).ExitCode);

        var queued = await fixture.RunAsync("--json", "device", "command", "cli-cmd-0001", "set-config", "--arg", "telemetry_interval_s=30", "--ttl", "600");

        Assert.True(queued.ExitCode == 0, queued.ToString());
        var entry = JsonDocument.Parse(queued.Output).RootElement;
        Assert.Equal(1, entry.GetProperty("sequence").GetInt64());
        Assert.Equal("queued", entry.GetProperty("status").GetString());
        Assert.Equal("30", entry.GetProperty("arguments").GetProperty("telemetry_interval_s").GetString());
        var lifetime = entry.GetProperty("expiresAt").GetDateTimeOffset() - entry.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(600), lifetime);

        var listed = await fixture.RunAsync("device", "commands", "cli-cmd-0001");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("set-config", listed.Output, StringComparison.Ordinal);
        Assert.Contains("queued", listed.Output, StringComparison.Ordinal);
        Assert.Contains("1 command(s)", listed.Output, StringComparison.Ordinal);

        var shown = await fixture.RunAsync("device", "commands", "cli-cmd-0001", "1");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("telemetry_interval_s=30", shown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitingForAnAnswerThatDoesNotComeExitsFourteenWithProgress()
    {
        Assert.Equal(0, (await fixture.RunAsync("device", "add", "cli-cmd-0002", "--tenant", "acme")).ExitCode);

        var waited = await fixture.RunAsync("device", "command", "cli-cmd-0002", "ping", "--wait", "1");

        Assert.Equal(15, waited.ExitCode);
        Assert.Contains("command 1: queued, waiting for the device", waited.Error, StringComparison.Ordinal);
        Assert.Contains("command 1 of cli-cmd-0002: queued", waited.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadArgumentsAndUnknownDevicesAreRefused()
    {
        Assert.Equal(0, (await fixture.RunAsync("device", "add", "cli-cmd-0003", "--tenant", "acme")).ExitCode);

        Assert.Equal(6, (await fixture.RunAsync("device", "command", "cli-cmd-0003", "set-config", "--arg", "no-equals-sign")).ExitCode);
        Assert.Equal(6, (await fixture.RunAsync("device", "command", "cli-cmd-0003", "set-config", "--arg", "Bad-Key=1")).ExitCode);
        Assert.Equal(6, (await fixture.RunAsync("device", "command", "cli-cmd-0003", "rotate-secret")).ExitCode);
        Assert.Equal(4, (await fixture.RunAsync("device", "command", "cli-cmd-9999", "ping")).ExitCode);
        Assert.Equal(4, (await fixture.RunAsync("device", "commands", "cli-cmd-0003", "7")).ExitCode);
    }
}
