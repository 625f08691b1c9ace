using M2M.Cli.Tests.Support;
using M2M.Testing;

namespace M2M.Cli.Tests;

/// <summary>Every failure is one line on stderr ("m2m: ...") with its documented exit code, never a stack trace.</summary>
public sealed class ExitCodesAndErrorsTests(CliGatewayFixture fixture) : IClassFixture<CliGatewayFixture>
{
    [Fact]
    public async Task AnUnknownDeviceIs4()
    {
        var result = await fixture.RunAsync("device", "show", "no-such-device");

        AssertFailure(result, 4, "device_not_found");
        Assert.Equal(4, (await fixture.RunAsync("device", "disable", "no-such-device")).ExitCode);
        Assert.Equal(4, (await fixture.RunAsync("device", "enable", "no-such-device")).ExitCode);
        Assert.Equal(4, (await fixture.RunAsync("device", "rotate", "no-such-device")).ExitCode);
        Assert.Equal(4, (await fixture.RunAsync("device", "delete", "no-such-device")).ExitCode);
    }

    [Fact]
    public async Task AnExistingDeviceIs5()
    {
        Assert.Equal(0, (await fixture.RunAsync("device", "add", "exit-dup-0001", "--tenant", "acme")).ExitCode);

        AssertFailure(await fixture.RunAsync("device", "add", "exit-dup-0001", "--tenant", "acme"), 5, "device_exists");
    }

    [Fact]
    public async Task AnInvalidIdOrTenantIs6()
    {
        AssertFailure(await fixture.RunAsync("device", "add", "Not_Valid", "--tenant", "acme"), 6, "invalid_device_id");
        AssertFailure(await fixture.RunAsync("device", "add", "exit-bad-tenant", "--tenant", "a b"), 6, "invalid_tenant");
    }

    [Fact]
    public async Task NoAdminKeyIs2AndAWrongOneIs3()
    {
        AssertFailure(await M2mProcess.RunAsync("--gateway", fixture.Url, "device", "list"), 2, "admin key");
        AssertFailure(await M2mProcess.RunAsync("--gateway", fixture.Url, "--admin-key-file", "/nonexistent/admin.key", "device", "list"), 2, "/nonexistent/admin.key");
        AssertFailure(await M2mProcess.RunAsync("--gateway", fixture.Url, "--admin-key", "m2m_admin_wrong", "device", "list"), 3, "refused the admin key");
    }

    [Fact]
    public async Task AGatewayThatIsNotThereIs7()
    {
        var closedPort = LoopbackPort.Free();

        AssertFailure(await M2mProcess.RunAsync("--gateway", $"http://127.0.0.1:{closedPort}", "--admin-key", "k", "device", "list"), 7, "cannot reach the gateway");
    }

    [Fact]
    public async Task AWrongCommandLineIs1()
    {
        Assert.Equal(1, (await M2mProcess.RunAsync("device", "explode")).ExitCode);
        Assert.Equal(1, (await M2mProcess.RunAsync("device", "add", "x-0001")).ExitCode);
        AssertFailure(await M2mProcess.RunAsync("--gateway", "not a url", "--admin-key", "k", "device", "list"), 1, "--gateway");
    }

    [Fact]
    public async Task TheHelpDocumentsTheExitCodes()
    {
        var result = await M2mProcess.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Exit codes: 0 ok, 1 usage, 2 no admin key, 3 admin key refused, 4 not found, 5 conflict", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGatewayAndTheAdminKeyCanComeFromTheEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["M2M_GATEWAY"] = fixture.Url,
            ["M2M_ADMIN_KEY"] = fixture.Gateway.AdminKey,
        };

        var result = await M2mProcess.RunAsync(environment, "device", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static void AssertFailure(CliResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("m2m: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }
}
