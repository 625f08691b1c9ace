using M2M.Gateway.Tests.Support;

namespace M2M.Cli.Tests.Support;

/// <summary>One real gateway process for the tests of a class, and the m2m options that reach it.</summary>
public sealed class CliGatewayFixture : IAsyncLifetime
{
    private AdminGateway? _gateway;

    public AdminGateway Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    public string Url => Gateway.Process.BaseAddress.ToString();

    public string KeyFile => Path.Combine(Gateway.DataDirectory, AdminGateway.KeyFileName);

    /// <summary>Runs m2m against this gateway with its admin key file.</summary>
    public Task<CliResult> RunAsync(params string[] arguments) =>
        M2mProcess.RunAgainstAsync(Gateway, null, arguments);

    public async Task InitializeAsync() => _gateway = await AdminGateway.StartAsync();

    public async Task DisposeAsync()
    {
        if (_gateway != null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
