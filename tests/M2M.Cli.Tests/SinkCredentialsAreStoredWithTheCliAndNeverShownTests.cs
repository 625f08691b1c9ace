using System.Globalization;
using System.Text.Json;
using M2M.Cli.Tests.Support;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Cli.Tests;

/// <summary>
/// An operator stores the credential an HTTP sink authenticates with through <c>m2m sink credential</c>
/// (docs/cli.md, "Sink commands"; docs/sinks.md, "HTTP authentication"), against the real gateway
/// process and a webhook that takes only the right bearer token: a wrong token read from a file is
/// refused by the webhook and the sink shows it, the right one piped on standard input lets the
/// backlog through, once; list shows names and never a value, delete removes it, an empty value is
/// refused with exit code 6, and neither the output nor the audit log ever holds a value.
/// </summary>
public sealed class SinkCredentialsAreStoredWithTheCliAndNeverShownTests : IAsyncLifetime, IDisposable
{
    private const string Right = "right-token-2f7c";
    private const string Wrong = "wrong-token-91ab";
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-cli-cred-").FullName;
    private WebhookReceiver _webhook = null!;
    private AdminGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _webhook = await WebhookReceiver.StartAsync();
        _webhook.RequiredAuthorization = "Bearer " + Right;
        _gateway = await AdminGateway.StartAsync(null,
            "--Gateway:Relay:Webhook:Url", _webhook.Url.ToString(),
            "--Gateway:Relay:Webhook:Auth:Scheme", "bearer",
            "--Gateway:Relay:Webhook:Auth:Credential", "hook-token",
            "--Gateway:Relay:InitialBackoff", "00:00:00.050",
            "--Gateway:Relay:MaxBackoff", "00:00:00.300");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _webhook.DisposeAsync();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AWrongThenTheRightCredentialStoredWithTheCliLetsTheBacklogThroughOnce()
    {
        var wrongFile = Path.Combine(_folder, "token.txt");
        await File.WriteAllTextAsync(wrongFile, Wrong + "\n");
        var set = await RunAsync(null, "sink", "credential", "set", "hook-token", "--from-file", wrongFile);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("Credential hook-token stored (encrypted)", set.Output, StringComparison.Ordinal);

        await SimulateAsync();
        var acknowledged = _gateway.FileSinkIds();
        Assert.NotEmpty(acknowledged);
        var failing = await Eventually.ValueAsync(async () => Webhook(await RunAsync(null, "sink", "list", "--json")),
            s => s.GetProperty("state").GetString() == "failing", "the webhook sink to fail on the refused credential");
        Assert.Contains("401", failing.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(_webhook.Deliveries);

        // The right one, piped as `m2m sink credential set hook-token < token.txt` would.
        var fixedUp = await RunAsync(Right + "\n", "sink", "credential", "set", "hook-token", "--json");
        Assert.True(fixedUp.ExitCode == 0, fixedUp.ToString());
        Assert.Equal("hook-token", JsonDocument.Parse(fixedUp.Output).RootElement.GetProperty("name").GetString());

        await Eventually.TrueAsync(() => acknowledged.All(_webhook.Deliveries.Select(d => d.Id).Contains), "the backlog to reach the webhook");
        Assert.Equal(acknowledged, _webhook.Deliveries.Select(d => d.Id!));

        var listed = await RunAsync(null, "sink", "credential", "list", "--json");
        Assert.Equal(["hook-token"], JsonDocument.Parse(listed.Output).RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var table = await RunAsync(null, "sink", "credential", "list");
        Assert.StartsWith("hook-token", table.Output, StringComparison.Ordinal);

        var deleted = await RunAsync(null, "sink", "credential", "delete", "hook-token");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains("No sink credentials stored.", (await RunAsync(null, "sink", "credential", "list")).Output, StringComparison.Ordinal);

        var empty = await RunAsync("\n", "sink", "credential", "set", "hook-token");
        Assert.Equal(6, empty.ExitCode);
        Assert.Contains("The value is empty", empty.Error, StringComparison.Ordinal);

        var everything = string.Join('\n', new[] { set, fixedUp, listed, table, deleted, empty }.Select(r => r.ToString()))
            + string.Join('\n', _gateway.AuditLines().Select(l => l.GetRawText()));
        Assert.DoesNotContain(Right, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, everything, StringComparison.Ordinal);
        Assert.Equal(["sink.credential.set", "sink.credential.set", "sink.credential.list", "sink.credential.list", "sink.credential.delete", "sink.credential.list"],
            _gateway.AuditLines().Select(l => l.GetProperty("action").GetString()).Where(a => a!.StartsWith("sink.credential", StringComparison.Ordinal)));
    }

    private Task<CliResult> RunAsync(string? input, params string[] arguments) => M2mProcess.RunAgainstAsync(_gateway, input, arguments);

    private async Task SimulateAsync()
    {
        var result = await RunAsync(null, "sim", "--devices", "1", "--rate", "4", "--duration", "00:00:01",
            "--mqtt", "127.0.0.1:" + _gateway.MqttPort.ToString(CultureInfo.InvariantCulture));
        Assert.True(result.ExitCode == 0, result.ToString());
    }


    private static JsonElement Webhook(CliResult result) =>
        JsonDocument.Parse(result.Output).RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "webhook");
}
